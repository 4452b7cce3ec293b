import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from 'onnxruntime-web';
import { KVCache, stepOutputNames } from '../../src/runtime/kv-cache';
import { CausalLM, type SessionLike } from '../../src/runtime/model';
import type { LoadedModel } from '../../src/runtime/loader';
import { loadTestModel } from './helpers';

/** Just enough of ORT's Tensor for the cache: data and dims. */
class FakeTensor {
	constructor(
		readonly type: 'float32',
		readonly data: Float32Array,
		readonly dims: readonly number[],
	) {}
	async getData() {
		return this.data;
	}
}
const shape = { numLayers: 1, numHeads: 2, headDim: 2 };
const names = stepOutputNames(1);

/** A [rows, 2 heads, columns, 2] tensor whose value at (r, h, c, d) is (firstRow + r)·1000 + h·100 + (first + c)·10 + d. */
function block(rows: number, columns: number, first: number, firstRow = 0): Tensor {
	const data = new Float32Array(rows * 2 * columns * 2);
	let k = 0;
	for (let r = 0; r < rows; r++)
		for (let h = 0; h < 2; h++)
			for (let c = 0; c < columns; c++)
				for (let d = 0; d < 2; d++) data[k++] = (firstRow + r) * 1000 + h * 100 + (first + c) * 10 + d;
	return new FakeTensor('float32', data, [rows, 2, columns, 2]) as unknown as Tensor;
}
const fed = (cache: KVCache): Tensor => {
	const feeds: Record<string, Tensor> = {};
	cache.feed(feeds, cache.rows);
	return feeds['past_key_values.0.key']!;
};

describe('KVCache.append: new keys and values appended in place', () => {
	it('holds exactly what one tensor of all the columns would, through growth and row changes', async () => {
		const cache = new KVCache(shape, FakeTensor as never, ['past_key_values.0.key', 'past_key_values.0.value'], 2);
		let columns = 0;
		// A prefill of 3, then single steps well past the first buffer's room.
		for (const added of [3, 1, 1, 1, 1, 1, 1, 1, 1]) {
			const step = block(2, added, columns);
			cache.append({ [names[0]!]: step, [names[1]!]: step }, names);
			columns += added;
			const past = fed(cache);
			expect(past.dims).toEqual([2, 2, columns, 2]);
			expect(Array.from(past.data as Float32Array)).toEqual(Array.from(block(2, columns, 0).data as Float32Array));
			expect(cache.bytes).toBe(2 * 2 * 2 * columns * 2 * 4);
		}
		// Row 0 leaves; the remaining row (row 1 until now) goes on growing.
		await cache.dropRow(0);
		const step = block(1, 1, columns, 1);
		cache.append({ [names[0]!]: step, [names[1]!]: step }, names);
		expect(Array.from(fed(cache).data as Float32Array)).toEqual(
			Array.from(block(1, columns + 1, 0, 1).data as Float32Array),
		);
	});

	it('refuses a pass with another number of rows than it holds', () => {
		const cache = new KVCache(shape, FakeTensor as never, ['past_key_values.0.key', 'past_key_values.0.value'], 2);
		const two = block(2, 2, 0);
		cache.append({ [names[0]!]: two, [names[1]!]: two }, names);
		const three = block(3, 1, 2);
		expect(() => cache.append({ [names[0]!]: three, [names[1]!]: three }, names)).toThrow(/holds 2 rows/);
	});
});

describe('the real model: `step.*` appended in place against `present.*` taken back', () => {
	let model: LoadedModel;
	let presentOnly: CausalLM;
	beforeAll(async () => {
		model = await loadTestModel('q8');
		const s = model.lm.session;
		// The same session with its `step.*` outputs hidden: the cache then takes `present.*` every pass.
		const hidden: SessionLike = {
			inputNames: s.inputNames,
			outputNames: s.outputNames.filter((n) => !n.startsWith('step.')),
			run: (feeds, fetches) => s.run(feeds, fetches),
		};
		presentOnly = new CausalLM(hidden, model.lm.Tensor, model.config);
	});
	const argmax = (x: Float32Array) => x.reduce((best, v, i) => (v > x[best]! ? i : best), 0);

	it('gives the same logits at every step, one row and three', async () => {
		for (const prompts of [['In the beginning God created'], ['Blessed are the', 'And the LORD came', 'The fool']]) {
			const rows = prompts.map((p) => model.codec.encode(p));
			const inPlace = model.lm.newCache();
			const taken = presentOnly.newCache();
			let a = await model.lm.forward(rows, inPlace);
			let b = await presentOnly.forward(rows, taken);
			for (let step = 0; step < 40; step++) {
				expect(a.rows.map((r) => Array.from(r))).toEqual(b.rows.map((r) => Array.from(r)));
				expect(inPlace.bytes).toBe(taken.bytes);
				const next = a.rows.map((r) => [argmax(r)]);
				a = await model.lm.forward(next, inPlace);
				b = await presentOnly.forward(next, taken);
			}
		}
	});
});
