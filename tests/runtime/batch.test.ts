/**
 * Batch assembly on its own (pure data), then the batch-shaped model and KV
 * cache against the real model: B left-padded rows compute what each row
 * computes alone, and the cache's bytes are read from its live tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_PAST, assembleBatch } from '../../src/runtime/batch';
import type { LoadedModel } from '../../src/runtime/loader';
import { argmax } from '../../src/runtime/sampling';
import { loadTestModel } from './helpers';

const PAD = 99;
const big = (xs: number[]) => BigInt64Array.from(xs.map(BigInt));

describe('assembleBatch', () => {
	it('left-pads shorter rows, masks the padding and counts positions over real tokens only', () => {
		const b = assembleBatch([[5, 6, 7], [8], [9, 10]], NO_PAST, PAD);
		expect(b).toMatchObject({ rows: 3, width: 3, total: 3, padding: 3, realLengths: [3, 1, 2] });
		expect(b.inputIds).toEqual(big([5, 6, 7, PAD, PAD, 8, PAD, 9, 10]));
		expect(b.attentionMask).toEqual(big([1, 1, 1, 0, 0, 1, 0, 1, 1]));
		expect(b.positionIds).toEqual(big([0, 1, 2, 0, 0, 0, 0, 0, 1]));
	});

	it('a cached step keeps the past mask (padding stays masked) and continues each row’s positions', () => {
		const first = assembleBatch([[5, 6, 7], [8]], NO_PAST, PAD);
		const past = { width: first.total, mask: first.attentionMask, realLengths: first.realLengths };
		const step = assembleBatch([[11], [12]], past, PAD);
		expect(step).toMatchObject({ rows: 2, width: 1, total: 4, padding: 0, realLengths: [4, 2] });
		expect(step.inputIds).toEqual(big([11, 12]));
		expect(step.positionIds).toEqual(big([3, 1]));
		expect(step.attentionMask).toEqual(big([1, 1, 1, 1, 0, 0, 1, 1]));
	});

	it('a row with nothing new this step (finished) gets one masked pad column', () => {
		const first = assembleBatch(
			[
				[5, 6],
				[7, 8],
			],
			NO_PAST,
			PAD,
		);
		const past = { width: first.total, mask: first.attentionMask, realLengths: first.realLengths };
		const step = assembleBatch([[11], []], past, PAD);
		expect(step.inputIds).toEqual(big([11, PAD]));
		expect(step.attentionMask).toEqual(big([1, 1, 1, 1, 1, 0]));
		expect(step).toMatchObject({ padding: 1, realLengths: [3, 2] });
	});

	it('rows of different lengths over several steps: a row that hits EOS stops, the others go on', () => {
		// Prefill: 3, 1 and 2 prompt tokens, left-padded to 3 columns.
		let b = assembleBatch([[5, 6, 7], [8], [9, 10]], NO_PAST, PAD);
		const past = () => ({ width: b.total, mask: b.attentionMask, realLengths: b.realLengths });
		// Step 1: every row is fed its new token; row 2's was EOS, so it is done from here on.
		b = assembleBatch([[11], [12], [13]], past(), PAD);
		expect(b.positionIds).toEqual(big([3, 1, 2]));
		// Steps 2 and 3: row 2 gets a masked pad column, rows 1 and 3 go on counting their own positions.
		b = assembleBatch([[14], [], [15]], past(), PAD);
		expect(b.inputIds).toEqual(big([14, PAD, 15]));
		expect(b.positionIds).toEqual(big([4, 0, 3]));
		b = assembleBatch([[16], [], [17]], past(), PAD);
		expect(b.positionIds).toEqual(big([5, 0, 4]));
		expect(b).toMatchObject({ width: 1, total: 6, padding: 1, realLengths: [6, 2, 5] });
		// Each row attends over its own real tokens only: the left padding and row 2's columns after EOS stay masked.
		expect(b.attentionMask).toEqual(big([1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1]));
	});

	it('B = 1 without padding is the plain pass: positions from the past length, mask all ones', () => {
		const b = assembleBatch([[4, 5]], { width: 3, mask: big([1, 1, 1]), realLengths: [3] }, PAD);
		expect(b.positionIds).toEqual(big([3, 4]));
		expect(b.attentionMask).toEqual(big([1, 1, 1, 1, 1]));
		expect(b.padding).toBe(0);
	});

	it('refuses a batch that does not match the cache, and an empty one', () => {
		expect(() => assembleBatch([[1], [2]], { width: 1, mask: big([1]), realLengths: [1] }, PAD)).toThrow(
			/holds 1 rows but the batch has 2/,
		);
		expect(() => assembleBatch([], NO_PAST, PAD)).toThrow(/at least one row/);
		expect(() => assembleBatch([[], []], NO_PAST, PAD)).toThrow(/at least one new token/);
	});
});

let model: LoadedModel;
beforeAll(async () => {
	model = await loadTestModel('q8');
});

const PROMPTS = ['In the beginning God created', 'And', 'Blessed are the', 'And the LORD spake unto Moses, saying,'];

/** Greedy tokens for each prompt, decoded one row at a time (B = 1). */
async function soloGreedy(prompt: string, n: number, cached: boolean): Promise<number[]> {
	const ids = model.codec.encode(prompt);
	const cache = cached ? model.lm.newCache() : null;
	const out: number[] = [];
	let fed = ids;
	for (let i = 0; i < n; i++) {
		const { lastLogits } = await model.lm.forward(cached ? fed : [...ids, ...out], cache);
		const id = argmax(lastLogits);
		out.push(id);
		fed = [id];
	}
	return out;
}

describe('batch-shaped model and KV cache', () => {
	it('B = 4 rows of different lengths give each row exactly its B = 1 greedy tokens, cached and naive', async () => {
		const n = 12;
		const solo = await Promise.all(PROMPTS.map((p) => soloGreedy(p, n, true)));
		expect(await soloGreedy(PROMPTS[0]!, n, false)).toEqual(solo[0]);
		const rows = PROMPTS.map((p) => model.codec.encode(p));

		const cache = model.lm.newCache();
		const cached: number[][] = rows.map(() => []);
		let fed: number[][] = rows;
		for (let i = 0; i < n; i++) {
			const r = await model.lm.forward(fed, cache);
			expect(r.rows).toHaveLength(4);
			for (const l of r.rows) expect(l.every(Number.isFinite)).toBe(true);
			fed = r.rows.map((l, row) => {
				const id = argmax(l);
				cached[row]!.push(id);
				return [id];
			});
		}
		expect(cached).toEqual(solo);

		const naive: number[][] = rows.map(() => []);
		for (let i = 0; i < n; i++) {
			const r = await model.lm.forward(
				rows.map((ids, row) => [...ids, ...naive[row]!]),
				null,
			);
			r.rows.forEach((l, row) => naive[row]!.push(argmax(l)));
		}
		expect(naive).toEqual(solo);
	});

	it('reports its bytes from the live tensors: 2 × layers × heads × head_dim × 4 × tokens × rows', async () => {
		const { numLayers, numHeads, headDim } = model.config;
		const perToken = 2 * numLayers * numHeads * headDim * 4;
		expect(perToken).toBe(6144);
		const cache = model.lm.newCache();
		expect(cache.bytes).toBe(0);
		const rows = PROMPTS.map((p) => model.codec.encode(p));
		const width = Math.max(...rows.map((r) => r.length));
		await model.lm.forward(rows, cache);
		expect(cache.rows).toBe(4);
		expect(cache.length).toBe(width);
		expect(cache.bytes).toBe(perToken * width * 4);
		for (let step = 1; step <= 3; step++) {
			await model.lm.forward([[11], [12], [13], [14]], cache);
			expect(cache.bytes).toBe(perToken * (width + step) * 4);
		}
		const one = model.lm.newCache();
		await model.lm.forward(rows[0]!, one);
		expect(one.bytes).toBe(perToken * rows[0]!.length);
	});

	it('drops a finished row and takes a new one, and the remaining rows decode as they would alone', async () => {
		const n = 6;
		const [a, b, c] = [PROMPTS[0]!, PROMPTS[1]!, PROMPTS[2]!];
		const expectA = await soloGreedy(a, n + 1, true);
		const expectC = await soloGreedy(c, n, true);
		const { perToken } = { perToken: 6144 };

		const cache = model.lm.newCache();
		const first = await model.lm.forward([model.codec.encode(a), model.codec.encode(b)], cache);
		let nextA = argmax(first.rows[0]!);
		const gotA = [nextA];
		await cache.dropRow(1); // b finished
		expect(cache.rows).toBe(1);
		// Row b was the shorter one, so no leading column is padding in every remaining row: nothing to trim.
		expect(cache.length).toBe(model.codec.encode(a).length);
		expect(cache.bytes).toBe(perToken * cache.length);

		// c is prefilled on its own, then joins as row 1.
		const solo = model.lm.newCache();
		const cFirst = await model.lm.forward(model.codec.encode(c), solo);
		let nextC = argmax(cFirst.lastLogits);
		const gotC = [nextC];
		expect(await cache.addRows(solo)).toBe(1);
		expect(cache.rows).toBe(2);
		expect(cache.tokens(0)).toBe(model.codec.encode(a).length);
		expect(cache.tokens(1)).toBe(model.codec.encode(c).length);
		expect(cache.bytes).toBe(perToken * cache.length * 2);
		for (let i = 1; i < n; i++) {
			const r = await model.lm.forward([[nextA], [nextC]], cache);
			nextA = argmax(r.rows[0]!);
			nextC = argmax(r.rows[1]!);
			gotA.push(nextA);
			gotC.push(nextC);
		}
		expect(gotA).toEqual(expectA.slice(0, n));
		expect(gotC).toEqual(expectC);

		// Dropping the longer row trims the columns that only it used.
		const before = cache.length;
		await cache.dropRow(0);
		expect(cache.length).toBe(cache.tokens(0));
		expect(cache.length).toBeLessThan(before);
		const r = await model.lm.forward([nextC], cache);
		expect(argmax(r.lastLogits)).toBe((await soloGreedy(c, n + 1, true))[n]);
	});
});
