/**
 * The seeded half of sampling: a tiny PRNG and the draw it drives. Same seed,
 * same stream of numbers, same tokens from the same distributions.
 */

import { rankIds } from './processors';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Same seed, same stream. */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Inverse-CDF draw: lays the tokens with probability > 0 end to end, most
 * likely first (ties to the lower id), and returns the one that u ∈ [0, 1)
 * lands in. Ranked order means a page can draw u as a point on a stacked bar
 * of the same distribution.
 */
export function drawToken(probs: ArrayLike<number>, u: number): number {
	const live: number[] = [];
	for (let i = 0; i < probs.length; i++) if (probs[i]! > 0) live.push(i);
	const order = rankIds(probs, live);
	let acc = 0;
	for (const id of order) {
		acc += probs[id]!;
		if (u < acc) return id;
	}
	// Rounding can leave the sum a hair under 1: the last live token takes the rest.
	return order[order.length - 1] ?? 0;
}
