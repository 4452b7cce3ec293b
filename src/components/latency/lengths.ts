/**
 * The demo's two lengths, as the reader types them: prompt tokens and output tokens. Both must be
 * whole numbers, and together they must fit the model's context, because every output token is
 * one more position the model attends over. A value that cannot be used is replaced and the
 * reader is told what was used instead, in words.
 */
import { PASSAGE_TOKENS } from './passage';

export interface Lengths {
	promptTokens: number;
	outputTokens: number;
}

export interface LengthLimits {
	/** The model's context: prompt + output must fit in it. */
	contextTokens: number;
	/** The longest prompt on offer (the passage's length). */
	maxPromptTokens: number;
}

export const LENGTH_LIMITS: LengthLimits = { contextTokens: 256, maxPromptTokens: PASSAGE_TOKENS };

const LABELS = { promptTokens: 'Prompt length', outputTokens: 'Output length' } as const;

/**
 * Reads raw field values (strings from inputs, NaN for text the browser could not read as a
 * number). Returns the lengths to run with and one sentence per value that was replaced.
 */
export function readLengths(
	raw: { promptTokens: unknown; outputTokens: unknown },
	fallback: Lengths,
	limits: LengthLimits = LENGTH_LIMITS,
): { lengths: Lengths; problems: string[] } {
	const problems: string[] = [];
	const whole = (key: keyof Lengths, max: number): number => {
		const value = raw[key];
		const label = LABELS[key];
		const empty = value === undefined || (typeof value === 'string' && value.trim() === '');
		const n = empty ? Number.NaN : Number(value);
		if (!Number.isFinite(n)) {
			problems.push(`${label} ${empty ? 'was empty' : 'must be a number'}; using ${fallback[key]}.`);
			return fallback[key];
		}
		const fixed = Math.min(max, Math.max(1, Math.round(n)));
		if (fixed !== n) problems.push(`${label} must be a whole number of tokens from 1 to ${max}; using ${fixed}.`);
		return fixed;
	};
	const promptTokens = whole('promptTokens', Math.min(limits.maxPromptTokens, limits.contextTokens - 1));
	let outputTokens = whole('outputTokens', limits.contextTokens - 1);
	if (promptTokens + outputTokens > limits.contextTokens) {
		const room = limits.contextTokens - promptTokens;
		problems.push(
			`A ${promptTokens}-token prompt plus ${outputTokens} output tokens does not fit the model's ${limits.contextTokens}-token context; using ${room} output tokens.`,
		);
		outputTokens = room;
	}
	return { lengths: { promptTokens, outputTokens }, problems };
}
