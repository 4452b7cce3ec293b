import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	formatBytes,
	formatCount,
	getModel,
	kvBytesForTokens,
	kvBytesPerToken,
	kvShapeOf,
	MODELS,
	ServingMathInputError,
	type KvShape,
} from '../../src/serving-math';

const GiB = 1024 ** 3;

describe('kvBytesPerToken', () => {
	it('is 2 × layers × kvHeads × headDim × bytesPerValue', () => {
		expect(kvBytesPerToken({ layers: 1, kvHeads: 1, headDim: 1, bytesPerValue: 1 })).toBe(2);
		expect(kvBytesPerToken({ layers: 3, kvHeads: 5, headDim: 7, bytesPerValue: 2 })).toBe(2 * 3 * 5 * 7 * 2);
	});

	it('gives the worked values: our model 6,144 B, Llama-3-8B 131,072 B, Llama-3-70B 327,680 B', () => {
		expect(kvBytesPerToken({ layers: 4, kvHeads: 4, headDim: 48, bytesPerValue: 4 })).toBe(6_144);
		expect(kvBytesPerToken({ layers: 32, kvHeads: 8, headDim: 128, bytesPerValue: 2 })).toBe(131_072);
		expect(kvBytesPerToken({ layers: 80, kvHeads: 8, headDim: 128, bytesPerValue: 2 })).toBe(327_680);
	});

	const valid: KvShape = { layers: 32, kvHeads: 8, headDim: 128, bytesPerValue: 2 };
	for (const field of ['layers', 'kvHeads', 'headDim', 'bytesPerValue'] as const) {
		for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
			it(`rejects ${field} = ${bad} with a message naming it`, () => {
				const call = () => kvBytesPerToken({ ...valid, [field]: bad });
				expect(call).toThrow(ServingMathInputError);
				expect(call).toThrow(new RegExp(`^${field} must be a positive whole number, got ${bad}\\.$`));
			});
		}
	}

	it('rejects missing and non-number inputs', () => {
		expect(() => kvBytesPerToken({ layers: 4, kvHeads: 4, headDim: 48 } as KvShape)).toThrow(
			'bytesPerValue must be a positive whole number, got undefined undefined.',
		);
		expect(() => kvBytesPerToken({ ...valid, layers: '32' as unknown as number })).toThrow(
			'layers must be a positive whole number, got string "32".',
		);
		expect(() => kvBytesPerToken(null as unknown as KvShape)).toThrow(ServingMathInputError);
	});
});

describe('kvBytesForTokens', () => {
	it('is bytes a token times tokens: 1.5 MiB for our model at 256 tokens, 1 GiB for Llama-3-8B at 8,192', () => {
		expect(kvBytesForTokens({ layers: 4, kvHeads: 4, headDim: 48, bytesPerValue: 4 }, 256)).toBe(1.5 * 1024 ** 2);
		expect(kvBytesForTokens({ layers: 32, kvHeads: 8, headDim: 128, bytesPerValue: 2 }, 8192)).toBe(GiB);
		expect(kvBytesForTokens({ layers: 80, kvHeads: 8, headDim: 128, bytesPerValue: 2 }, 8192)).toBe(2.5 * GiB);
	});

	it('allows an empty cache and rejects negative or fractional token counts', () => {
		const shape = { layers: 4, kvHeads: 4, headDim: 48, bytesPerValue: 4 };
		expect(kvBytesForTokens(shape, 0)).toBe(0);
		expect(() => kvBytesForTokens(shape, -1)).toThrow('tokens must be a whole number ≥ 0, got -1.');
		expect(() => kvBytesForTokens(shape, 2.5)).toThrow('tokens must be a whole number ≥ 0, got 2.5.');
	});

	it('refuses results too large to be exact rather than rounding them', () => {
		const huge = { layers: 2 ** 20, kvHeads: 2 ** 10, headDim: 2 ** 10, bytesPerValue: 8 };
		expect(() => kvBytesForTokens(huge, 2 ** 20)).toThrow(/too large to compute exactly/);
	});
});

describe('published model configurations', () => {
	it('match the worked values in the lesson', () => {
		expect(kvBytesPerToken(kvShapeOf(getModel('kjv-gpt-2m')))).toBe(6_144);
		expect(kvBytesPerToken(kvShapeOf(getModel('llama-3-8b')))).toBe(128 * 1024);
		expect(kvBytesPerToken(kvShapeOf(getModel('llama-3-70b')))).toBe(320 * 1024);
		expect(kvBytesForTokens(kvShapeOf(getModel('llama-3-8b')), 8192)).toBe(GiB);
	});

	it('derive our model from the config.json it ships with', () => {
		const config = JSON.parse(readFileSync('public/models/kjv-gpt-2m/config.json', 'utf8'));
		const own = getModel('kjv-gpt-2m');
		expect(own).toMatchObject({
			layers: config.n_layer,
			kvHeads: config.n_head,
			headDim: config.n_embd / config.n_head,
			maxContext: config.n_positions,
		});
		expect(kvBytesForTokens(kvShapeOf(own), own.maxContext)).toBe(1.5 * 1024 ** 2);
	});

	it('each have whole-number shapes, head dim × heads = hidden size, and a source', () => {
		for (const model of Object.values(MODELS)) {
			expect(() => kvBytesPerToken(kvShapeOf(model)), model.id).not.toThrow();
			expect(model.headDim * model.attentionHeads, model.id).toBe(model.hiddenSize);
			expect(model.kvHeads, model.id).toBeLessThanOrEqual(model.attentionHeads);
			expect(model.source.href, model.id).toMatch(model.source.onThisSite ? /^[a-z]/ : /^https:\/\//);
		}
	});

	it('can be computed in another dtype', () => {
		expect(kvBytesPerToken(kvShapeOf(getModel('llama-3-8b'), 'fp8'))).toBe(64 * 1024);
	});

	it('name the known models when asked for an unknown one', () => {
		expect(() => getModel('gpt-5')).toThrow(
			'Unknown model "gpt-5". Known models: kjv-gpt-2m, llama-3-8b, llama-3-70b.',
		);
	});
});

describe('formatBytes', () => {
	it('uses binary units and drops trailing zeros', () => {
		expect(formatBytes(0)).toBe('0 B');
		expect(formatBytes(512)).toBe('512 B');
		expect(formatBytes(6_144)).toBe('6 KiB');
		expect(formatBytes(131_072)).toBe('128 KiB');
		expect(formatBytes(327_680)).toBe('320 KiB');
		expect(formatBytes(1_572_864)).toBe('1.5 MiB');
		expect(formatBytes(GiB)).toBe('1 GiB');
		expect(formatBytes(2.5 * GiB)).toBe('2.5 GiB');
		expect(formatBytes(6_710_886_400)).toBe('6.25 GiB');
	});

	it('carries a rounded value into the next unit', () => {
		expect(formatBytes(1024 ** 2 - 1)).toBe('1 MiB');
	});

	it('rejects sizes that are not bytes', () => {
		expect(() => formatBytes(-1)).toThrow('Cannot format -1 as a size in bytes.');
		expect(() => formatBytes(Number.NaN)).toThrow(RangeError);
	});
});

describe('formatCount', () => {
	it('groups thousands', () => {
		expect(formatCount(131_072)).toBe('131,072');
		expect(formatCount(6_144)).toBe('6,144');
	});
});
