import { describe, expect, it } from 'vitest';
import { Sampler, argmax, mulberry32, softmax, topIndices } from '../../src/runtime/sampling';
import type { Sampling } from '../../src/runtime/events';

const sample = (over: Partial<Extract<Sampling, { strategy: 'sample' }>> = {}): Sampling => ({
	strategy: 'sample',
	temperature: 1,
	topK: 0,
	topP: 1,
	seed: 1234,
	...over,
});

/** Logits whose softmax is exactly `probs`. */
const logitsOf = (probs: number[]) => Float32Array.from(probs.map(Math.log));
const P = [0.5, 0.25, 0.15, 0.07, 0.03];

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 6) {
	expect(actual.length).toBe(expected.length);
	expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

/** Empirical frequencies of `n` draws. */
function frequencies(sampler: Sampler, logits: Float32Array, n: number): number[] {
	const counts = new Array<number>(logits.length).fill(0);
	for (let i = 0; i < n; i++) counts[sampler.select(logits).id]!++;
	return counts.map((c) => c / n);
}

describe('softmax', () => {
	it('is numerically stable for huge and tiny logits', () => {
		expectClose(softmax([1000, 1000]), [0.5, 0.5]);
		expectClose(softmax([-1000, -1000, -1000, -1000]), [0.25, 0.25, 0.25, 0.25]);
		const p = softmax([1e4, 0, -1e4]);
		expectClose(p, [1, 0, 0]);
		expect([...p].every(Number.isFinite)).toBe(true);
	});
	it('matches the definition and sums to 1', () => {
		const p = softmax(logitsOf(P));
		expectClose(p, P);
		expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
	});
	it('treats all -Infinity as uniform instead of NaN', () => {
		expectClose(softmax([-Infinity, -Infinity]), [0.5, 0.5]);
	});
});

describe('argmax and topIndices', () => {
	it('breaks ties towards the lower id', () => {
		expect(argmax([1, 3, 3, 2])).toBe(1);
		expect(topIndices([1, 3, 3, 2, 5], 3)).toEqual([4, 1, 2]);
		expect(topIndices([0.1, 0.2], 5)).toEqual([1, 0]);
	});
});

describe('mulberry32', () => {
	it('reproduces a stream from a seed and differs across seeds', () => {
		const a = mulberry32(42);
		const b = mulberry32(42);
		const c = mulberry32(43);
		const xs = Array.from({ length: 5 }, () => a());
		expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
		expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
		for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
	});
	it('is roughly uniform', () => {
		const r = mulberry32(7);
		const bins = new Array(10).fill(0);
		for (let i = 0; i < 100_000; i++) bins[Math.floor(r() * 10)]++;
		for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
	});
});

describe('Sampler distributions on hand-made logits', () => {
	const logits = logitsOf(P);

	it('greedy picks the argmax and reports softmax probabilities', () => {
		const s = new Sampler(5, { strategy: 'greedy' }, 3);
		const sel = s.select(logits);
		expect(sel.id).toBe(0);
		expect(sel.prob).toBeCloseTo(0.5, 6);
		expect(sel.candidates.map((c) => c.id)).toEqual([0, 1, 2]);
		expectClose(
			sel.candidates.map((c) => c.prob),
			[0.5, 0.25, 0.15],
		);
	});

	it('temperature 1 leaves the distribution as given', () => {
		expectClose(new Sampler(5, sample()).distribution(logits), P);
	});

	it('temperature T raises probabilities to the power 1/T, renormalised', () => {
		for (const T of [0.5, 2]) {
			const raw = P.map((p) => p ** (1 / T));
			const z = raw.reduce((a, b) => a + b, 0);
			expectClose(
				new Sampler(5, sample({ temperature: T })).distribution(logits),
				raw.map((x) => x / z),
			);
		}
	});

	it('top-k keeps the k most likely tokens, renormalised', () => {
		expectClose(new Sampler(5, sample({ topK: 2 })).distribution(logits), [0.5 / 0.75, 0.25 / 0.75, 0, 0, 0]);
		expectClose(new Sampler(5, sample({ topK: 1 })).distribution(logits), [1, 0, 0, 0, 0]);
		expectClose(new Sampler(5, sample({ topK: 0 })).distribution(logits), P);
		expectClose(new Sampler(5, sample({ topK: 99 })).distribution(logits), P);
	});

	it('top-p keeps the smallest set whose probability reaches p', () => {
		// 0.5 < 0.6 ≤ 0.75: the two most likely tokens.
		expectClose(new Sampler(5, sample({ topP: 0.6 })).distribution(logits), [0.5 / 0.75, 0.25 / 0.75, 0, 0, 0]);
		// Exactly reaching p keeps the set that reaches it.
		expectClose(new Sampler(5, sample({ topP: 0.5 })).distribution(logits), [1, 0, 0, 0, 0]);
		expectClose(new Sampler(5, sample({ topP: 0.9 })).distribution(logits), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0, 0]);
		// The most likely token always survives.
		expectClose(new Sampler(5, sample({ topP: 0.01 })).distribution(logits), [1, 0, 0, 0, 0]);
		expectClose(new Sampler(5, sample({ topP: 1 })).distribution(logits), P);
	});

	it('applies temperature, then top-k, then top-p', () => {
		// T=2 → ∝ sqrt(P); top-k 3; top-p 0.7 over the renormalised three.
		const raw = P.slice(0, 3).map((p) => Math.sqrt(p));
		const z = raw.reduce((a, b) => a + b, 0);
		const q = raw.map((x) => x / z); // ≈ [0.446, 0.316, 0.245]
		expect(q[0]! < 0.7 && q[0]! + q[1]! >= 0.7).toBe(true);
		const kept = q[0]! + q[1]!;
		expectClose(new Sampler(5, sample({ temperature: 2, topK: 3, topP: 0.7 })).distribution(logits), [
			q[0]! / kept,
			q[1]! / kept,
			0,
			0,
			0,
		]);
	});

	it('draws match the distribution (100k draws)', () => {
		for (const s of [sample(), sample({ temperature: 0.7, topK: 3 }), sample({ topP: 0.9, seed: 99 })]) {
			const sampler = new Sampler(5, s);
			const expected = sampler.distribution(logits);
			const freq = frequencies(new Sampler(5, s), logits, 100_000);
			freq.forEach((f, i) => expect(Math.abs(f - expected[i]!)).toBeLessThan(0.006));
		}
	});

	it('never draws a filtered-out token and reports what it drew from', () => {
		const s = new Sampler(5, sample({ topK: 2, seed: 5 }), 4);
		for (let i = 0; i < 2000; i++) {
			const sel = s.select(logits);
			expect(sel.id === 0 || sel.id === 1).toBe(true);
			expect(sel.candidates.map((c) => c.id)).toEqual([0, 1, 2, 3]);
			expect(sel.candidates[2]!.prob).toBe(0);
			expect(sel.prob).toBeCloseTo(sel.id === 0 ? 2 / 3 : 1 / 3, 6);
		}
	});

	it('a seed reproduces the same draws', () => {
		const draw = (seed: number) => {
			const s = new Sampler(5, sample({ seed }));
			return Array.from({ length: 50 }, () => s.select(logits).id);
		};
		expect(draw(3)).toEqual(draw(3));
		expect(draw(3)).not.toEqual(draw(4));
	});

	it('handles extreme logits without NaN', () => {
		const s = new Sampler(3, sample({ temperature: 0.01 }));
		const sel = s.select(Float32Array.from([80, 79, -80]));
		expect(sel.id).toBe(0);
		expect([...s.distribution(Float32Array.from([80, 79, -80]))].every(Number.isFinite)).toBe(true);
	});
});

describe('greedy picks', () => {
	it('report exactly the softmax probabilities of the pick and its candidates, without computing the whole distribution', () => {
		const rng = mulberry32(7);
		const logits = Float32Array.from({ length: 2048 }, () => rng() * 12 - 6);
		const sel = new Sampler(2048, { strategy: 'greedy' }, 5).select(logits);
		const probs = softmax(logits);
		expect(sel.id).toBe(argmax(logits));
		expect(sel.prob).toBe(probs[sel.id]);
		expect(sel.logit).toBe(logits[sel.id]);
		expect(sel.candidates.map((c) => c.id)).toEqual(topIndices(logits, 5));
		for (const c of sel.candidates) expect(c.prob).toBe(probs[c.id]);
	});

	it('fall back to a uniform probability when every logit is masked, as softmax does', () => {
		const sel = new Sampler(4, { strategy: 'greedy' }, 2).select(new Float32Array(4).fill(-Infinity));
		expect(sel).toMatchObject({ id: 0, prob: 0.25 });
		expect(sel.candidates.map((c) => c.prob)).toEqual([0.25, 0.25]);
	});
});
