/**
 * The reader's settings for one runnable block, their limits, and how they travel in a link.
 * Pure module: used by the Astro components (build time, via the zod schema) and the panels.
 */
import type { GenerateSettings, LoopMode, ReportLogits } from '../../runtime/events';

export type Speed = 'realtime' | 'slow' | 'step';
export const SPEEDS: readonly Speed[] = ['realtime', 'slow', 'step'];

export interface ReaderSettings {
	prompt: string;
	maxNewTokens: number;
	mode: LoopMode;
	strategy: 'greedy' | 'sample';
	temperature: number;
	topK: number;
	topP: number;
	seed: number;
}

/** How many candidates the panel shows for each pick, unless the block says otherwise. */
export const DEFAULT_TOP_CANDIDATES = 5;

export const LIMITS = {
	maxNewTokens: { min: 1, max: 200 },
	temperature: { min: 0.05, max: 2 },
	topK: { min: 0, max: 2048 },
	topP: { min: 0.01, max: 1 },
	seed: { min: 0, max: 2 ** 31 - 1 },
	promptLength: 500,
} as const;

export function toGenerateSettings(
	s: ReaderSettings,
	topCandidates = DEFAULT_TOP_CANDIDATES,
	reportLogits?: ReportLogits,
): GenerateSettings {
	return {
		maxNewTokens: s.maxNewTokens,
		mode: s.mode,
		topCandidates,
		...(reportLogits ? { reportLogits } : {}),
		sampling:
			s.strategy === 'greedy'
				? { strategy: 'greedy' }
				: { strategy: 'sample', temperature: s.temperature, topK: s.topK, topP: s.topP, seed: s.seed },
	};
}

/** One prompt per line, for loops over several sequences (a batch's rows, a server's requests). */
export function promptRows(prompt: string): string[] {
	return prompt.split(/\r?\n/);
}

function clamp(value: number, { min, max }: { min: number; max: number }): number {
	return Math.min(max, Math.max(min, value));
}

/** The number fields' names as the reader sees them on the form. */
export const NUMBER_LABELS = {
	maxNewTokens: 'Max new tokens',
	temperature: 'Temperature',
	topK: 'Top-k',
	topP: 'Top-p',
	seed: 'Seed',
} as const;

/** "1 token", "2 tokens". */
export function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Coerces raw form or link values into valid settings; returns the problems it fixed, in the
 * reader's words. A value left out (undefined) takes the fallback silently; a value given but
 * empty, not a number or out of range is replaced and said so.
 */
export function normaliseSettings(
	raw: Partial<Record<keyof ReaderSettings, unknown>>,
	fallback: ReaderSettings,
): { settings: ReaderSettings; problems: string[] } {
	const problems: string[] = [];
	const num = (key: 'maxNewTokens' | 'temperature' | 'topK' | 'topP' | 'seed', integer: boolean) => {
		const value = raw[key];
		const label = NUMBER_LABELS[key];
		if (value === undefined) return fallback[key];
		const n = typeof value === 'string' && value.trim() === '' ? Number.NaN : Number(value);
		if (!Number.isFinite(n)) {
			const given = typeof value === 'string' && value.trim() === '' ? 'was empty' : 'must be a number';
			problems.push(`${label} ${given}; using ${fallback[key]}.`);
			return fallback[key];
		}
		const fixed = clamp(integer ? Math.round(n) : n, LIMITS[key]);
		if (fixed !== n)
			problems.push(
				`${label} must be ${integer ? 'a whole number ' : ''}from ${LIMITS[key].min} to ${LIMITS[key].max}; using ${fixed}.`,
			);
		return fixed;
	};
	let prompt = fallback.prompt;
	if (typeof raw.prompt === 'string') {
		prompt = raw.prompt.slice(0, LIMITS.promptLength);
		if (raw.prompt.length > LIMITS.promptLength)
			problems.push(
				`The prompt is limited to ${LIMITS.promptLength} characters; the rest (${plural(raw.prompt.length - LIMITS.promptLength, 'character')}) was left out.`,
			);
	}
	const choice = <T extends string>(value: unknown, allowed: Record<T, string>, fallbackValue: T, label: string): T => {
		if (value === undefined) return fallbackValue;
		if (typeof value === 'string' && Object.hasOwn(allowed, value)) return value as T;
		problems.push(`${label} must be ${Object.values(allowed).join(' or ')}; using ${allowed[fallbackValue]}.`);
		return fallbackValue;
	};
	return {
		settings: {
			prompt,
			maxNewTokens: num('maxNewTokens', true),
			mode: choice(raw.mode, { naive: 'naive', cached: 'KV cache' }, fallback.mode, 'The loop'),
			strategy: choice(
				raw.strategy,
				{ greedy: 'greedy', sample: 'sampling' },
				fallback.strategy,
				'The way to pick the next token',
			),
			temperature: num('temperature', false),
			topK: num('topK', true),
			topP: num('topP', false),
			seed: num('seed', true),
		},
		problems,
	};
}

/** What a link to one state of one block carries. */
export interface LinkState {
	blockId: string;
	settings: ReaderSettings;
	/** Event index to open at; undefined: just the settings. */
	step?: number | undefined;
}

const PARAM = {
	block: 'rc',
	prompt: 'prompt',
	max: 'max',
	mode: 'mode',
	strategy: 'decode',
	t: 'temp',
	k: 'topk',
	p: 'topp',
	seed: 'seed',
	step: 'step',
} as const;

/** A URL for `state`, on the page `pageUrl`: the query names the state, the hash scrolls to the block. */
export function buildLink(pageUrl: string, state: LinkState): string {
	const url = new URL(pageUrl);
	url.search = '';
	const q = url.searchParams;
	const s = state.settings;
	q.set(PARAM.block, state.blockId);
	q.set(PARAM.prompt, s.prompt);
	q.set(PARAM.max, String(s.maxNewTokens));
	q.set(PARAM.mode, s.mode);
	q.set(PARAM.strategy, s.strategy);
	if (s.strategy === 'sample') {
		q.set(PARAM.t, String(s.temperature));
		q.set(PARAM.k, String(s.topK));
		q.set(PARAM.p, String(s.topP));
		q.set(PARAM.seed, String(s.seed));
	}
	if (state.step !== undefined) q.set(PARAM.step, String(state.step));
	url.hash = `rc-${state.blockId}`;
	return url.href;
}

/** The link state for `blockId` in `url`, or null when the URL is not about that block. */
export function parseLink(
	url: string,
	blockId: string,
	fallback: ReaderSettings,
): (LinkState & { problems: string[] }) | null {
	const q = new URL(url).searchParams;
	if (q.get(PARAM.block) !== blockId) return null;
	const get = (key: string) => q.get(key) ?? undefined;
	const { settings, problems } = normaliseSettings(
		{
			prompt: get(PARAM.prompt),
			maxNewTokens: get(PARAM.max),
			mode: get(PARAM.mode),
			strategy: get(PARAM.strategy),
			temperature: get(PARAM.t),
			topK: get(PARAM.k),
			topP: get(PARAM.p),
			seed: get(PARAM.seed),
		},
		fallback,
	);
	const rawStep = get(PARAM.step);
	const step = rawStep !== undefined && /^\d+$/.test(rawStep) ? Number(rawStep) : undefined;
	if (rawStep !== undefined && step === undefined)
		problems.push(`The link's step "${rawStep}" is not a step number, so it was left out.`);
	return { blockId, settings, step, problems };
}
