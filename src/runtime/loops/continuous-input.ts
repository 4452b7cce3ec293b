/** The continuous loop's input and settings, checked with a message naming the field at fault. */

import { RuntimeError } from '../errors';
import type { ModelConfig } from '../model';
import { validateSettings } from '../settings';
import type { ContinuousInput, ContinuousRequest, ContinuousSettings } from './continuous-events';
import { checkPrompt } from './encode';

export const MAX_SLOTS = 16;
export const MAX_REQUESTS = 64;
const SETTINGS_KEYS = new Set(['slots', 'policy', 'sampling', 'topCandidates', 'kvBlocks', 'blockSize']);

function bad(field: string, message: string): never {
	throw new RuntimeError('bad-settings', `Invalid ${field}: ${message}`, { field });
}

function integer(field: string, v: unknown, min: number, max: number): number {
	if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
		bad(field, `expected an integer in ${min}..${max}, got ${String(v)}`);
	return v as number;
}

export function checkContinuous(input: unknown, raw: unknown, config: Pick<ModelConfig, 'contextSize' | 'vocabSize'>) {
	const ctx = config.contextSize;
	const list = (input as ContinuousInput | null)?.requests;
	if (!Array.isArray(list)) bad('requests', 'expected { requests: [{ prompt, maxNewTokens }, …] }');
	if (list.length < 1 || list.length > MAX_REQUESTS)
		bad('requests', `expected 1 to ${MAX_REQUESTS} requests, got ${list.length}`);
	const requests: ContinuousRequest[] = list.map((q: unknown, r) => {
		if (typeof q !== 'object' || q === null) bad(`requests[${r}]`, 'expected { prompt, maxNewTokens }');
		const { prompt, maxNewTokens } = q as Record<string, unknown>;
		checkPrompt(prompt, `requests[${r}].prompt`);
		return { prompt, maxNewTokens: integer(`requests[${r}].maxNewTokens`, maxNewTokens, 1, ctx) };
	});

	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('settings', 'expected an object');
	const s = raw as Record<string, unknown>;
	for (const key of Object.keys(s))
		if (!SETTINGS_KEYS.has(key)) bad(key, `unknown setting (expected one of ${[...SETTINGS_KEYS].join(', ')})`);
	const slots = integer('slots', s.slots, 1, MAX_SLOTS);
	const policy = s.policy ?? 'continuous';
	if (policy !== 'continuous' && policy !== 'static')
		bad('policy', `expected "continuous" or "static", got ${JSON.stringify(policy)}`);
	const blockSize = s.blockSize === undefined ? 16 : integer('blockSize', s.blockSize, 1, ctx);
	const enough = slots * Math.ceil(ctx / blockSize);
	const kvBlocks = s.kvBlocks === undefined ? enough : integer('kvBlocks', s.kvBlocks, 1, 1 << 20);
	// Sampling and candidates are checked exactly as every other loop checks them.
	const { sampling, topCandidates } = validateSettings(
		{
			maxNewTokens: 1,
			mode: 'cached',
			sampling: s.sampling,
			...(s.topCandidates === undefined ? {} : { topCandidates: s.topCandidates }),
		},
		ctx,
		config.vocabSize,
	);
	return {
		requests,
		slots,
		policy: policy as NonNullable<ContinuousSettings['policy']>,
		sampling,
		topCandidates,
		kvBlocks,
		blockSize,
	};
}
