/**
 * The sampling demo's fields as the reader types them: temperature 0 means greedy (as APIs treat
 * it), top-k 0 and top-p 1 switch those cuts off. Pure, so the form and its tests share it: every
 * value given but unusable is replaced, and the problem said in the reader's words.
 */
import { LIMITS, normaliseSettings, type ReaderSettings } from './settings';

export interface SamplingFields {
	prompt?: unknown;
	maxNewTokens?: unknown;
	temperature?: unknown;
	topK?: unknown;
	topP?: unknown;
	seed?: unknown;
}

/** What the temperature field shows for these settings: 0 for greedy. */
export function shownTemperature(s: ReaderSettings): number {
	return s.strategy === 'greedy' ? 0 : s.temperature;
}

/** The settings the fields give, from `fallback` where a field is left out or unusable. */
export function readSamplingFields(
	raw: SamplingFields,
	fallback: ReaderSettings,
): { settings: ReaderSettings; problems: string[] } {
	const { settings, problems } = normaliseSettings(
		{ prompt: raw.prompt, maxNewTokens: raw.maxNewTokens, topK: raw.topK, topP: raw.topP, seed: raw.seed },
		fallback,
	);
	const t = readTemperature(raw.temperature, shownTemperature(fallback));
	if (t.problem) problems.unshift(t.problem);
	return {
		settings: {
			...settings,
			strategy: t.value === 0 ? 'greedy' : 'sample',
			temperature: t.value,
		},
		problems,
	};
}

function readTemperature(value: unknown, fallback: number): { value: number; problem?: string } {
	if (value === undefined) return { value: fallback };
	const empty = typeof value === 'string' && value.trim() === '';
	const n = empty ? Number.NaN : Number(value);
	if (!Number.isFinite(n))
		return { value: fallback, problem: `Temperature ${empty ? 'was empty' : 'must be a number'}; using ${fallback}.` };
	const { min, max } = LIMITS.temperature;
	if (n === 0 || (n >= min && n <= max)) return { value: n };
	const fixed = n < 0 ? 0 : n < min ? min : max;
	return {
		value: fixed,
		problem: `Temperature must be 0 (greedy) or from ${min} to ${max}; using ${fixed}${fixed === 0 ? ' (greedy)' : ''}.`,
	};
}
