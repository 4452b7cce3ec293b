import { describe, expect, it } from 'vitest';
import {
	decodeStepFloorSeconds,
	dollarsPerMillionTokens,
	formatDecimalBytes,
	formatDollars,
	formatSignificant,
	getGpu,
	getModel,
	GPUS,
	kvBytesForTokens,
	kvBytesPerToken,
	kvShapeOf,
	maxConcurrentSequences,
	parseMeasurement,
	ServingMathInputError,
	sizeDeployment,
	type SizingInput,
	tokensPerHourFromMs,
	tradeOffCurve,
	tradeOffUserCounts,
	weightBytes,
} from '../../src/serving-math';

const GiB = 1024 ** 3;
const llama8b = getModel('llama-3-8b');
const llama70b = getModel('llama-3-70b');
const h100 = getGpu('h100-sxm');
const l4 = getGpu('l4');
const llama8bWeights = weightBytes(llama8b.parameters!.count, 2);

/** Llama-3-8B in bf16 on one H100 SXM at $2 an hour, with the inputs a test varies. */
function llama8bOnH100(overrides: Partial<SizingInput> = {}): SizingInput {
	return {
		weightBytes: llama8bWeights,
		kvBytesPerToken: kvBytesPerToken(kvShapeOf(llama8b)),
		contextTokens: 8192,
		users: 1,
		gpuMemoryBytes: h100.memoryBytes,
		bandwidthBytesPerSecond: h100.bandwidthBytesPerSecond,
		pricePerGpuHour: 2,
		...overrides,
	};
}

describe('published figures', () => {
	it('give Llama-3-8B bf16 131,072 KV bytes a token and 1 GiB for 8,192 tokens', () => {
		expect(kvBytesPerToken(kvShapeOf(llama8b))).toBe(131_072);
		expect(kvBytesForTokens(kvShapeOf(llama8b), 8192)).toBe(GiB);
	});

	// Llama architecture: embeddings and output head (untied), and per layer the q, k, v and o
	// projections, the three MLP matrices and two norms, plus the final norm. Vocabulary 128,256
	// and MLP width 14,336 (8B) / 28,672 (70B) are from the same config.json files.
	const llamaParameters = (m: typeof llama8b, vocab: number, mlp: number) => {
		const h = m.hiddenSize;
		const kv = m.kvHeads * m.headDim;
		const layer = 2 * h * h + 2 * h * kv + 3 * h * mlp + 2 * h;
		return 2 * vocab * h + m.layers * layer + h;
	};

	it('give parameter counts that follow from the architecture in config.json', () => {
		expect(llamaParameters(llama8b, 128_256, 14_336)).toBe(llama8b.parameters!.count);
		expect(llamaParameters(llama70b, 128_256, 28_672)).toBe(llama70b.parameters!.count);
	});

	it('give bf16 weights equal to the safetensors index total_size', () => {
		expect(llama8bWeights).toBe(16_060_522_496);
		expect(weightBytes(llama70b.parameters!.count, 2)).toBe(141_107_412_992);
	});

	it('hold the data sheet figures for each GPU, with a source', () => {
		expect(h100).toMatchObject({ memoryBytes: 80e9, bandwidthBytesPerSecond: 3.35e12 });
		expect(l4).toMatchObject({ memoryBytes: 24e9, bandwidthBytesPerSecond: 300e9 });
		for (const gpu of Object.values(GPUS)) expect(gpu.source.href, gpu.id).toMatch(/^https:\/\//);
		expect(() => getGpu('tpu')).toThrow('Unknown GPU "tpu". Known GPUs: h100-sxm, l4.');
	});
});

describe('the formulas', () => {
	it('weights = parameters × bytes per weight', () => {
		expect(weightBytes(8_030_261_248, 1)).toBe(8_030_261_248);
		expect(() => weightBytes(0, 2)).toThrow(ServingMathInputError);
	});

	it('decode step ≥ bytes read ÷ bandwidth: Llama-3-8B bf16 on one H100 at batch 1 ≈ 16 GB / 3.35 TB/s ≈ 4.8 ms', () => {
		const seconds = decodeStepFloorSeconds(llama8bWeights, h100.bandwidthBytesPerSecond);
		expect(seconds * 1000).toBeCloseTo(4.794, 3);
		expect(formatSignificant(seconds * 1000, 2)).toBe('4.8');
	});

	it('most sequences = ⌊(memory − weights) ÷ KV of one sequence⌋, 0 when the weights do not fit', () => {
		// (80e9 − 16,060,522,496) ÷ 2³⁰ = 59.55…
		expect(maxConcurrentSequences(80e9, llama8bWeights, GiB)).toBe(59);
		expect(maxConcurrentSequences(24e9, 141_107_412_992, GiB)).toBe(0);
	});

	it('tokens an hour and $ per million tokens', () => {
		expect(tokensPerHourFromMs(1000)).toBe(3600);
		expect(tokensPerHourFromMs(5)).toBe(720_000);
		expect(dollarsPerMillionTokens(2, 1_000_000)).toBe(2);
		expect(dollarsPerMillionTokens(3.6, 3600)).toBeCloseTo(1000, 9);
	});
});

describe('sizeDeployment', () => {
	it('works Llama-3-8B bf16 on one H100 at one 8,192-token user', () => {
		const s = sizeDeployment(llama8bOnH100());
		expect(s.kvBytesPerSequence).toBe(GiB);
		expect(s.memoryUsedBytes).toBe(llama8bWeights + GiB);
		expect(s.memoryLeftBytes).toBe(80e9 - llama8bWeights - GiB);
		expect(s.fits).toBe(true);
		expect(s.maxConcurrentSequences).toBe(59);
		expect(s.stepSeconds).toBeCloseTo((llama8bWeights + GiB) / 3.35e12, 12);
		expect(s.tokensPerSecondPerUser).toBeCloseTo(1 / s.stepSeconds, 9);
		expect(s.tokensPerHour).toBeCloseTo(3600 / s.stepSeconds, 6);
		expect(s.dollarsPerMillionTokens).toBeCloseTo((2 / s.tokensPerHour) * 1e6, 9);
	});

	it('shares each read of the weights among users: more users, lower cost, slower per user', () => {
		const one = sizeDeployment(llama8bOnH100({ users: 1 }));
		const many = sizeDeployment(llama8bOnH100({ users: 32 }));
		expect(many.dollarsPerMillionTokens).toBeLessThan(one.dollarsPerMillionTokens);
		expect(many.tokensPerSecondPerUser).toBeLessThan(one.tokensPerSecondPerUser);
		expect(many.tokensPerSecond).toBeGreaterThan(one.tokensPerSecond);
	});

	it('says by how much a model does not fit: Llama-3-70B bf16 on one H100 is 61.1 GB short at batch 1', () => {
		const s = sizeDeployment(
			llama8bOnH100({
				weightBytes: 141_107_412_992,
				kvBytesPerToken: kvBytesPerToken(kvShapeOf(llama70b)),
				contextTokens: 8192,
			}),
		);
		expect(s.fits).toBe(false);
		expect(s.maxConcurrentSequences).toBe(0);
		expect(-s.memoryLeftBytes).toBe(141_107_412_992 + 2.5 * GiB - 80e9);
		expect(formatDecimalBytes(s.memoryLeftBytes)).toBe('−63.79 GB');
	});

	it('says when too many users do not fit', () => {
		const s = sizeDeployment(llama8bOnH100({ users: 60 }));
		expect(s.fits).toBe(false);
		expect(s.maxConcurrentSequences).toBe(59);
		expect(s.memoryLeftBytes).toBeLessThan(0);
	});

	for (const [field, bad] of [
		['users', 0],
		['users', -3],
		['users', 1.5],
		['pricePerGpuHour', 0],
		['pricePerGpuHour', -1],
		['contextTokens', 0],
		['contextTokens', Number.POSITIVE_INFINITY],
		['bandwidthBytesPerSecond', Number.NaN],
	] as const) {
		it(`rejects ${field} = ${bad} with a message naming it`, () => {
			expect(() => sizeDeployment(llama8bOnH100({ [field]: bad }))).toThrow(new RegExp(`^${field} must be a positive`));
		});
	}

	it('never returns NaN or Infinity: inputs too large to compute are refused', () => {
		expect(() =>
			sizeDeployment(llama8bOnH100({ kvBytesPerToken: 1e300, contextTokens: 2 ** 52, users: 2 ** 52 })),
		).toThrow(/too large to compute/);
	});
});

describe('the trade-off curve', () => {
	it('plots powers of two up to the most users that fit, plus the reader’s count', () => {
		expect(tradeOffUserCounts(59, 8)).toEqual([1, 2, 4, 8, 16, 32, 59]);
		expect(tradeOffUserCounts(59, 10)).toEqual([1, 2, 4, 8, 10, 16, 32, 59]);
		expect(tradeOffUserCounts(59, 100)).toEqual([1, 2, 4, 8, 16, 32, 59]);
		expect(tradeOffUserCounts(1)).toEqual([1]);
		expect(tradeOffUserCounts(0)).toEqual([]);
	});

	it('falls in both speed per user and cost as users grow, and keeps only what fits', () => {
		const { users: _users, ...input } = llama8bOnH100();
		const curve = tradeOffCurve(input, [1, 2, 4, 59, 60]);
		expect(curve.map((p) => p.users)).toEqual([1, 2, 4, 59]);
		for (let i = 1; i < curve.length; i++) {
			expect(curve[i]!.tokensPerSecondPerUser).toBeLessThan(curve[i - 1]!.tokensPerSecondPerUser);
			expect(curve[i]!.dollarsPerMillionTokens).toBeLessThan(curve[i - 1]!.dollarsPerMillionTokens);
		}
	});
});

describe('parseMeasurement', () => {
	it('accepts a measurement and works out tokens an hour', () => {
		const result = parseMeasurement({ weightBytes: 8_888_832, kvBytesPerToken: 6144, msPerToken: 4, backend: 'wasm' });
		expect(result).toEqual({
			ok: true,
			measurement: { weightBytes: 8_888_832, kvBytesPerToken: 6144, msPerToken: 4, backend: 'wasm' },
			tokensPerHour: 900_000,
		});
	});

	it('refuses what is not a measurement, saying why', () => {
		expect(parseMeasurement(null)).toMatchObject({ ok: false });
		expect(parseMeasurement({ weightBytes: 1, kvBytesPerToken: 1, msPerToken: 0, backend: 'wasm' })).toEqual({
			ok: false,
			message: "The measurement's msPerToken must be a positive number, got 0.",
		});
		expect(parseMeasurement({ weightBytes: 1, kvBytesPerToken: '6144', msPerToken: 1, backend: 'wasm' })).toMatchObject(
			{ ok: false },
		);
		expect(parseMeasurement({ weightBytes: 1, kvBytesPerToken: 1, msPerToken: 1 })).toEqual({
			ok: false,
			message: 'The measurement does not name its backend.',
		});
	});
});

describe('number formats', () => {
	it('prints decimal sizes, significant figures and dollars', () => {
		expect(formatDecimalBytes(16_060_522_496)).toBe('16.06 GB');
		expect(formatDecimalBytes(GiB)).toBe('1.07 GB');
		expect(formatDecimalBytes(512)).toBe('512 B');
		expect(formatSignificant(2490.7)).toBe('2,490');
		expect(formatSignificant(0.012345)).toBe('0.0123');
		expect(formatDollars(2.5)).toBe('$2.50');
		expect(formatDollars(0.0042)).toBe('$0.0042');
		expect(() => formatDollars(Number.NaN)).toThrow(RangeError);
	});
});
