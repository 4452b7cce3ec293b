/**
 * Settings arrive from widgets (and, through them, from readers), so they are
 * checked here once, strictly, with a message that names the field at fault.
 */

import { RuntimeError } from './errors';
import type { GenerateSettings, Sampling } from './events';

const SETTINGS_KEYS = new Set(['maxNewTokens', 'mode', 'sampling', 'topCandidates', 'reportLogits']);
const SAMPLING_KEYS = new Set(['strategy', 'temperature', 'topK', 'topP', 'seed']);

/** Defaults for the sampling knobs a caller leaves out (seed 0 keeps runs reproducible). */
export const SAMPLE_DEFAULTS = { temperature: 1, topK: 0, topP: 1, seed: 0 } as const;
export const DEFAULT_TOP_CANDIDATES = 5;

function bad(field: string, message: string): never {
	throw new RuntimeError('bad-settings', `Invalid setting "${field}": ${message}`, { field });
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function finiteNumber(field: string, v: unknown): number {
	if (typeof v !== 'number' || !Number.isFinite(v)) bad(field, `expected a finite number, got ${show(v)}`);
	return v;
}

function integer(field: string, v: unknown, min: number, max: number): number {
	const n = finiteNumber(field, v);
	if (!Number.isInteger(n) || n < min || n > max) bad(field, `expected an integer in ${min}..${max}, got ${show(v)}`);
	return n;
}

function show(v: unknown): string {
	if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v == null) return String(v);
	if (typeof v === 'string') return JSON.stringify(v);
	return Array.isArray(v) ? 'an array' : typeof v;
}

/**
 * Returns a clean copy of the settings or throws RuntimeError('bad-settings').
 * `contextSize` bounds maxNewTokens; `vocabSize` bounds topK and topCandidates.
 */
export function validateSettings(input: unknown, contextSize: number, vocabSize: number): GenerateSettings {
	if (!isObject(input)) bad('settings', `expected an object, got ${show(input)}`);
	for (const key of Object.keys(input)) {
		if (!SETTINGS_KEYS.has(key)) bad(key, `unknown setting (expected one of ${[...SETTINGS_KEYS].join(', ')})`);
	}
	const maxNewTokens = integer('maxNewTokens', input.maxNewTokens, 1, contextSize);
	const mode = input.mode;
	if (mode !== 'naive' && mode !== 'cached') bad('mode', `expected "naive" or "cached", got ${show(mode)}`);

	const topCandidates =
		input.topCandidates === undefined
			? DEFAULT_TOP_CANDIDATES
			: integer('topCandidates', input.topCandidates, 1, vocabSize);

	const reportLogits = input.reportLogits;
	if (reportLogits !== undefined && reportLogits !== 'top' && reportLogits !== 'all') {
		bad('reportLogits', `expected "top" or "all" (or leave it out), got ${show(reportLogits)}`);
	}

	return {
		maxNewTokens,
		mode,
		sampling: validateSampling(input.sampling, vocabSize),
		topCandidates,
		...(reportLogits === undefined ? {} : { reportLogits }),
	};
}

function validateSampling(s: unknown, vocabSize: number): Sampling {
	if (!isObject(s)) bad('sampling', `expected an object like { strategy: "greedy" }, got ${show(s)}`);
	for (const key of Object.keys(s)) {
		if (!SAMPLING_KEYS.has(key))
			bad(`sampling.${key}`, `unknown setting (expected one of ${[...SAMPLING_KEYS].join(', ')})`);
	}
	if (s.strategy === 'greedy') return { strategy: 'greedy' };
	if (s.strategy !== 'sample') bad('sampling.strategy', `expected "greedy" or "sample", got ${show(s.strategy)}`);

	const temperature =
		s.temperature === undefined ? SAMPLE_DEFAULTS.temperature : finiteNumber('sampling.temperature', s.temperature);
	if (temperature <= 0)
		bad('sampling.temperature', `must be > 0 (use strategy "greedy" for temperature 0), got ${temperature}`);
	const topK = s.topK === undefined ? SAMPLE_DEFAULTS.topK : integer('sampling.topK', s.topK, 0, vocabSize);
	const topP = s.topP === undefined ? SAMPLE_DEFAULTS.topP : finiteNumber('sampling.topP', s.topP);
	if (!(topP > 0 && topP <= 1)) bad('sampling.topP', `must be in (0, 1], got ${topP}`);
	const seed = s.seed === undefined ? SAMPLE_DEFAULTS.seed : integer('sampling.seed', s.seed, 0, 0xffffffff);
	return { strategy: 'sample', temperature, topK, topP, seed };
}
