/**
 * Lesson 4's runtime side on the real model: the select event's timing and
 * opt-in logits, a page redrawing and replaying a run from them, and seeded
 * runs reproducible across runs and across the worker boundary.
 */
import { serialize } from 'node:v8';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeClient } from '../../src/runtime/client';
import { generate } from '../../src/runtime/generate';
import { stream } from '../../src/runtime/loops/stream';
import { batched } from '../../src/runtime/loops/batched';
import {
	TOP_LOGITS,
	type DoneEvent,
	type GenerateSettings,
	type SelectEvent,
	type StepEvent,
} from '../../src/runtime/events';
import type { LoadedModel } from '../../src/runtime/loader';
import { distributionOf, drawToken, mulberry32, samplingStages, topIndices } from '../../src/runtime/sampling';
import { MODEL_URL, collect, diskFetch, loadTestModel } from './helpers';
import { connectInProcess } from './in-process';

let model: LoadedModel;
beforeAll(async () => {
	model = await loadTestModel('q8');
});

const PROMPT = 'And God said,';
const sampled = (seed: number, over: Partial<GenerateSettings> = {}): GenerateSettings => ({
	maxNewTokens: 12,
	mode: 'cached',
	sampling: { strategy: 'sample', temperature: 0.9, topK: 40, topP: 0.9, seed },
	...over,
});
const selects = (events: StepEvent[]) => events.filter((e): e is SelectEvent => e.step === 'select');
const doneOf = (events: StepEvent[]) => events.at(-1) as DoneEvent;

describe('the select event', () => {
	it('times the choice apart from the forward pass, and carries no logits unless asked', async () => {
		const events = await collect(
			generate(model, PROMPT, { maxNewTokens: 4, mode: 'cached', sampling: { strategy: 'greedy' } }),
		);
		const sel = selects(events);
		expect(sel).toHaveLength(4);
		for (const e of sel) {
			expect(e.selectMs).toBeGreaterThanOrEqual(0);
			expect(Number.isFinite(e.selectMs)).toBe(true);
			expect(e).not.toHaveProperty('logits');
		}
	});

	it('reportLogits "all" attaches a copy of all 2,048 logits, from which the page redraws the exact distribution', async () => {
		const s = sampled(5, { reportLogits: 'all' });
		const events = await collect(generate(model, PROMPT, s));
		for (const e of selects(events)) {
			expect(e.logits?.kind).toBe('all');
			const values = e.logits!.values;
			expect(values).toBeInstanceOf(Float32Array);
			expect(values.length).toBe(2048);
			// A copy, not a view into the model's output tensor.
			expect(values.buffer.byteLength).toBe(2048 * 4);
			const probs = distributionOf(values, s.sampling);
			for (const c of e.candidates) expect(c.prob).toBe(probs[c.id]);
			expect(e.chosen.prob).toBe(probs[e.chosen.id]);
			const stages = samplingStages(values, s.sampling as { temperature: number; topK: number; topP: number });
			expect(stages.at(-1)!.probs).toEqual(probs);
			expect(e.candidates.map((c) => c.id)).toEqual(topIndices(values, 5));
		}
	});

	it('a seeded run replays from its events: the same draws from the reported logits pick the same tokens', async () => {
		const s = sampled(123, { reportLogits: 'all', maxNewTokens: 20 });
		const events = await collect(generate(model, PROMPT, s));
		const rng = mulberry32(123);
		const replayed = selects(events).map((e) => drawToken(distributionOf(e.logits!.values, s.sampling), rng()));
		expect(replayed).toEqual(selects(events).map((e) => e.chosen.id));
	});

	it('reportLogits "top" attaches the 64 highest logits, largest first, as the model gave them', async () => {
		const all = selects(await collect(generate(model, PROMPT, sampled(9, { reportLogits: 'all', maxNewTokens: 3 }))));
		const top = selects(await collect(generate(model, PROMPT, sampled(9, { reportLogits: 'top', maxNewTokens: 3 }))));
		expect(top.map((e) => e.chosen.id)).toEqual(all.map((e) => e.chosen.id));
		top.forEach((e, i) => {
			const full = all[i]!.logits!;
			if (e.logits?.kind !== 'top' || full.kind !== 'all') throw new Error('wrong kinds');
			expect(e.logits.ids.length).toBe(TOP_LOGITS);
			expect([...e.logits.ids]).toEqual(topIndices(full.values, TOP_LOGITS));
			expect([...e.logits.values]).toEqual([...e.logits.ids].map((id) => full.values[id]));
		});
	});

	it('the stream loop honours reportLogits too; the batched loop refuses it by name', async () => {
		const events = await collect(
			stream(model, PROMPT, { maxNewTokens: 2, sampling: { strategy: 'greedy' }, reportLogits: 'all' }),
		);
		const sel = events.filter((e) => e.step === 'select') as SelectEvent[];
		expect(sel.every((e) => e.logits?.values.length === 2048 && e.selectMs! >= 0)).toBe(true);
		await expect(collect(batched(model, [PROMPT], { ...sampled(1), reportLogits: 'top' }))).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'reportLogits',
		});
		await expect(
			collect(generate(model, PROMPT, { ...sampled(1), reportLogits: 'some' as never })),
		).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'reportLogits',
		});
	});

	it('message cost: "all" adds the 8 KiB of its Float32Array to a select event, "top" well under 1 KiB, off nothing', async () => {
		const first = async (over: Partial<GenerateSettings>) =>
			selects(await collect(generate(model, PROMPT, sampled(2, { maxNewTokens: 1, ...over }))))[0]!;
		const bytes = (e: SelectEvent) => serialize(e).byteLength;
		const off = await first({});
		const all = await first({ reportLogits: 'all' });
		const top = await first({ reportLogits: 'top' });
		const { logits: _a, ...allBare } = all;
		expect(bytes(allBare)).toBe(bytes({ ...off, selectMs: all.selectMs }));
		expect(bytes(all) - bytes(off)).toBeGreaterThanOrEqual(2048 * 4);
		expect(bytes(all) - bytes(off)).toBeLessThan(2048 * 4 + 128);
		expect(bytes(top) - bytes(off)).toBeLessThan(1024);
	});
});

describe('seeded sampling through the worker', () => {
	async function client() {
		const rt = createRuntimeClient(connectInProcess(diskFetch()));
		await rt.load({ model: MODEL_URL });
		return rt;
	}
	const text = async (rt: Awaited<ReturnType<typeof client>>, s: GenerateSettings) =>
		(await rt.generate(PROMPT, s).done).generatedText;

	it('the same seed gives the same text, run after run and on either side of the boundary; other seeds differ', async () => {
		const rt = await client();
		const s = sampled(42, { maxNewTokens: 16 });
		const a = await text(rt, s);
		expect(await text(rt, s)).toBe(a);
		expect(doneOf(await collect(generate(model, PROMPT, s))).generatedText).toBe(a);
		const others = await Promise.all([43, 44, 45].map((seed) => text(rt, sampled(seed, { maxNewTokens: 16 }))));
		expect(others.some((t) => t !== a)).toBe(true);
	});

	it('the logits cross the boundary as a Float32Array, and a seeded run replays from them on the page side', async () => {
		const rt = await client();
		const s = sampled(7, { reportLogits: 'all' });
		const events = await collect(rt.generate(PROMPT, s));
		const sel = selects(events);
		expect(sel.every((e) => e.logits?.values instanceof Float32Array && e.logits.values.length === 2048)).toBe(true);
		const rng = mulberry32(7);
		expect(sel.map((e) => drawToken(distributionOf(e.logits!.values, s.sampling), rng()))).toEqual(
			sel.map((e) => e.chosen.id),
		);
	});
});
