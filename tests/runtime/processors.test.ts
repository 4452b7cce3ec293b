/**
 * The logits processors on hand-made logits: each transformation alone, the
 * tie and boundary rules, and the composed pipeline agreeing with the loop's
 * Sampler (what a page redraws is what the loop draws from).
 */
import { describe, expect, it } from 'vitest';
import {
	Sampler,
	compose,
	distributionOf,
	drawToken,
	mulberry32,
	rankIds,
	samplingStages,
	softmax,
	temperature,
	topK,
	topP,
} from '../../src/runtime/sampling';

/** Logits whose softmax is exactly `probs`. */
const logitsOf = (probs: number[]) => Float32Array.from(probs.map(Math.log));
const P = [0.5, 0.25, 0.15, 0.07, 0.03];
const cut = (l: ArrayLike<number>) => Array.from(l, (x) => x === -Infinity);

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 6) {
	expect(actual.length).toBe(expected.length);
	expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('temperature → softmax', () => {
	it('divides the logits by T', () => {
		expect([...temperature(2)(Float32Array.from([4, -2, 0]))]).toEqual([2, -1, 0]);
		expect([...temperature(0.5)(Float32Array.from([4, -2, 0]))]).toEqual([8, -4, 0]);
	});
	it('T = 1 gives back the model distribution; T < 1 sharpens it and T > 1 flattens it', () => {
		const l = Float32Array.from([2, 1, 0]);
		const z = Math.exp(2) + Math.exp(1) + 1;
		expectClose(softmax(temperature(1)(l)), [Math.exp(2) / z, Math.exp(1) / z, 1 / z], 12);
		const sharp = softmax(temperature(0.5)(l));
		const z2 = Math.exp(4) + Math.exp(2) + 1;
		expectClose(sharp, [Math.exp(4) / z2, Math.exp(2) / z2, 1 / z2], 12);
		const flat = softmax(temperature(4)(l));
		const z4 = Math.exp(0.5) + Math.exp(0.25) + 1;
		expectClose(flat, [Math.exp(0.5) / z4, Math.exp(0.25) / z4, 1 / z4], 12);
		expect(sharp[0]!).toBeGreaterThan(softmax(l)[0]!);
		expect(flat[0]!).toBeLessThan(softmax(l)[0]!);
		// It never changes the order, so greedy's choice is the same at every temperature.
		expect(rankIds(sharp)).toEqual(rankIds(flat));
	});
	it('very low temperature tends to greedy, without NaN', () => {
		const p = softmax(temperature(1e-3)(Float32Array.from([80, 79.9, -80])));
		expect([...p].every(Number.isFinite)).toBe(true);
		expectClose(p, [1, 0, 0]);
	});
	it('refuses T ≤ 0 (greedy is its own strategy)', () => {
		expect(() => temperature(0)).toThrow(RangeError);
		expect(() => temperature(-1)).toThrow(RangeError);
		expect(() => temperature(Number.NaN)).toThrow(RangeError);
	});
});

describe('top-k', () => {
	it('keeps the k highest logits and cuts the rest to -Infinity', () => {
		const out = topK(2)(logitsOf(P));
		expect(cut(out)).toEqual([false, false, true, true, true]);
		expectClose(softmax(out), [0.5 / 0.75, 0.25 / 0.75, 0, 0, 0]);
	});
	it('ties at the k-th place: exactly k survive, the lower ids first', () => {
		const l = Float32Array.from([1, 3, 2, 2, 2, 0]);
		expect(cut(topK(2)(l))).toEqual([true, false, false, true, true, true]);
		expect(cut(topK(3)(l))).toEqual([true, false, false, false, true, true]);
		// All tied: the first k ids.
		expect(cut(topK(2)(Float32Array.from([5, 5, 5, 5])))).toEqual([false, false, true, true]);
		// A tie above the boundary is kept whole.
		expect(cut(topK(2)(Float32Array.from([1, 4, 4, 3])))).toEqual([true, false, false, true]);
	});
	it('k ≥ the vocabulary, and k = 0, keep everything', () => {
		const l = logitsOf(P);
		for (const k of [5, 6, 2048, 0]) expect(softmax(topK(k)(l))).toEqual(softmax(l));
	});
	it('k = 1 is greedy', () => {
		expectClose(softmax(topK(1)(logitsOf(P))), [1, 0, 0, 0, 0]);
	});
});

describe('top-p', () => {
	it('keeps the smallest set whose probability reaches p, including the token that crosses it', () => {
		// Cumulative: 0.5, 0.75, 0.9, 0.97, 1.
		expect(cut(topP(0.6)(logitsOf(P)))).toEqual([false, false, true, true, true]);
		expect(cut(topP(0.76)(logitsOf(P)))).toEqual([false, false, false, true, true]);
		expectClose(softmax(topP(0.8)(logitsOf(P))), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0, 0]);
	});
	it('reaching p exactly stops there', () => {
		// Exact binary fractions, so the running sum hits p with no rounding.
		const Q = [0.5, 0.25, 0.125, 0.125];
		expect(cut(topP(0.75)(logitsOf(Q)))).toEqual([false, false, true, true]);
		expect(cut(topP(0.5)(logitsOf(Q)))).toEqual([false, true, true, true]);
	});
	it('the most likely token always survives', () => {
		expect(cut(topP(0.01)(logitsOf(P)))).toEqual([false, true, true, true, true]);
	});
	it('p = 1 keeps everything, even the least likely token', () => {
		const l = Float32Array.from([10, 0, -10, -30]);
		const out = topP(1)(l);
		expect(cut(out)).toEqual([false, false, false, false]);
		expectClose(softmax(out), [...softmax(l)], 15);
	});
	it('tokens tied at the boundary are taken lowest id first', () => {
		// 0.4, then three at 0.2: p = 0.7 needs two of them.
		const out = topP(0.7)(logitsOf([0.2, 0.4, 0.2, 0.2]));
		expect(cut(out)).toEqual([false, false, false, true]);
	});
	it('refuses p outside (0, 1]', () => {
		expect(() => topP(0)).toThrow(RangeError);
		expect(() => topP(1.01)).toThrow(RangeError);
	});
});

describe('processors are pure and compose in order', () => {
	it('never write to their input', () => {
		const l = logitsOf(P);
		const copy = l.slice();
		compose(temperature(0.7), topK(3), topP(0.8))(l);
		expect(l).toEqual(copy);
	});
	it('temperature, then top-k, then top-p, renormalised', () => {
		// T = 2 → ∝ sqrt(P); top-k 3; top-p 0.7 over the renormalised three.
		const raw = P.slice(0, 3).map(Math.sqrt);
		const z = raw.reduce((a, b) => a + b, 0);
		const q = raw.map((x) => x / z);
		const kept = q[0]! + q[1]!;
		expectClose(softmax(compose(temperature(2), topK(3), topP(0.7))(logitsOf(P))), [
			q[0]! / kept,
			q[1]! / kept,
			0,
			0,
			0,
		]);
	});
	it('samplingStages reports each stage, what survives it and the renormalised probabilities', () => {
		const stages = samplingStages(logitsOf(P), { temperature: 1, topK: 4, topP: 0.8 });
		expect(stages.map((s) => [s.name, s.kept])).toEqual([
			['logits', 5],
			['temperature', 5],
			['top-k', 4],
			['top-p', 3],
		]);
		expectClose(stages[0]!.probs, P);
		expectClose(stages[2]!.probs, [0.5 / 0.97, 0.25 / 0.97, 0.15 / 0.97, 0.07 / 0.97, 0]);
		// top-p measures p on the distribution top-k left: 0.515 + 0.258 < 0.8 ≤ + 0.155.
		expectClose(stages[3]!.probs, [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0, 0]);
	});
});

describe('the page redraws what the loop draws from', () => {
	const settings = [
		{ temperature: 1, topK: 0, topP: 1 },
		{ temperature: 0.7, topK: 40, topP: 0.9 },
		{ temperature: 1.8, topK: 0, topP: 0.95 },
		{ temperature: 0.3, topK: 5, topP: 1 },
		{ temperature: 1, topK: 2048, topP: 0.5 },
	];
	it('samplingStages ends in exactly the Sampler distribution, on random 2,048-token logits', () => {
		const rng = mulberry32(3);
		for (let trial = 0; trial < 5; trial++) {
			// Rounded to quarters so that ties occur, as they do in quantised models.
			const logits = Float32Array.from({ length: 2048 }, () => Math.round((rng() * 16 - 8) * 4) / 4);
			for (const s of settings) {
				const sampling = { strategy: 'sample' as const, seed: 1, ...s };
				const loop = new Sampler(2048, sampling).distribution(logits);
				expect(samplingStages(logits, s).at(-1)!.probs).toEqual(loop);
				expect(distributionOf(logits, sampling)).toEqual(loop);
			}
		}
	});
});

describe('drawToken', () => {
	it('lays the tokens out most likely first and returns the one u lands in', () => {
		const probs = [0.2, 0.5, 0, 0.3];
		expect([0, 0.49, 0.5, 0.79, 0.8, 0.999].map((u) => drawToken(probs, u))).toEqual([1, 1, 3, 3, 0, 0]);
	});
	it('never returns a token with probability 0, even when rounding leaves the sum under 1', () => {
		expect(drawToken([0.3, 0.3, 0], 0.9999999)).toBe(1);
	});
});
