/**
 * The `batched` loop on the real model: B prompts of different lengths as one
 * batch per step give each row exactly its B = 1 tokens, each row stops on its
 * own, and the events say what the lesson shows (padding, per-row picks, B).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { batched } from '../../src/runtime/loops/batched';
import type { BatchedDoneEvent, BatchedEvent, BatchedInput } from '../../src/runtime/loops/batched-events';
import { generate } from '../../src/runtime/generate';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import type { DoneEvent, GenerateSettings } from '../../src/runtime/events';
import type { LoadedModel } from '../../src/runtime/loader';
import type { RunControl } from '../../src/runtime/stopping';
import { collect, loadTestModel } from './helpers';

let model: LoadedModel;
beforeAll(async () => {
	model = await loadTestModel('q8');
});

const greedy = (maxNewTokens: number, mode: 'naive' | 'cached' = 'cached'): GenerateSettings => ({
	maxNewTokens,
	mode,
	sampling: { strategy: 'greedy' },
});
// "Blessed are the" ends at EOS within a few tokens in this model; the others run on.
const PROMPTS = [
	'In the beginning God created',
	'Blessed are the',
	'And',
	'And the LORD spake unto Moses, saying, Speak unto',
];
const doneOf = (events: BatchedEvent[]) => events.at(-1) as BatchedDoneEvent;
const solo = async (prompt: string, s: GenerateSettings) =>
	((await collect(generate(model, prompt, s))).at(-1) as DoneEvent).ids;

describe('batched: B prompts as one batch per step', () => {
	it('B = 4 gives each row exactly its B = 1 greedy tokens, cached and naive alike', async () => {
		const n = 16;
		const expected = await Promise.all(PROMPTS.map((p) => solo(p, greedy(n))));
		const cached = doneOf(await collect(batched(model, PROMPTS, greedy(n, 'cached'))));
		const naive = doneOf(await collect(batched(model, PROMPTS, greedy(n, 'naive'))));
		expect(cached.rows.map((r) => r.ids)).toEqual(expected);
		expect(naive.rows.map((r) => r.ids)).toEqual(expected);
		expect(naive.rows.map((r) => r.reason)).toEqual(cached.rows.map((r) => r.reason));
	});

	it('each row stops at its own EOS or limit while the others go on', async () => {
		const input: BatchedInput = [PROMPTS[0]!, { prompt: PROMPTS[2]!, maxNewTokens: 3 }, PROMPTS[1]!];
		const events = await collect(batched(model, input, greedy(20)));
		const done = doneOf(events);
		expect(done.rows[1]).toMatchObject({ reason: 'max_new', newTokens: 3 });
		expect(done.rows[0]!.newTokens).toBeGreaterThan(3);
		const eosRow = done.rows.find((r) => r.reason === 'eos');
		expect(eosRow, 'some row ends at EOS').toBeDefined();
		expect(eosRow!.ids.at(-1)).toBe(model.config.eosId);
		for (const r of done.rows)
			expect(r.ids).toEqual(await solo(PROMPTS[[0, 2, 1][r.row]!]!, greedy(r.row === 1 ? 3 : 20)));

		// Once a row stops it is never selected for again, but the pass keeps its (padded) place.
		const checks = events.filter((e) => e.step === 'stop-check');
		const stoppedAt = new Map<number, number>();
		for (const c of checks) for (const r of c.rows) if (r.reason) stoppedAt.set(r.row, c.iteration);
		for (const e of events) {
			if (e.step === 'select')
				for (const r of e.rows) expect(e.iteration).toBeLessThanOrEqual(stoppedAt.get(r.row) ?? Infinity);
			if (e.step === 'forward') expect(e.rows).toBe(3);
		}
		expect(done.stats.forwardPasses).toBe(checks.length);
	});

	it('emits the listing’s steps, pads on the left and counts the padding', async () => {
		const events = await collect(batched(model, PROMPTS, greedy(4)));
		const steps = events.map((e) => e.step);
		expect(new Set(steps)).toEqual(new Set(LOOP_VOCABULARIES.batched));
		events.forEach((e, i) => expect(e.index).toBe(i));
		const lengths = PROMPTS.map((p) => model.codec.encode(p).length);
		const width = Math.max(...lengths);
		const pad = events.find((e) => e.step === 'pad')!;
		expect(pad).toMatchObject({ rows: 4, width, padding: lengths.map((l) => width - l) });
		const forwards = events.filter((e) => e.step === 'forward');
		expect(forwards[0]).toMatchObject({
			rows: 4,
			inputLength: width,
			usedCache: false,
			paddingTokens: pad.step === 'pad' ? pad.paddingTokens : -1,
		});
		expect(forwards[0]!.step === 'forward' && forwards[0]!.kvBytes).toBe(6144 * width * 4);
		const select = events.find((e) => e.step === 'select')!;
		if (select.step !== 'select') throw new Error('no select');
		expect(select.rows.map((r) => r.row)).toEqual([0, 1, 2, 3]);
		for (const r of select.rows) {
			expect(r.candidates).toHaveLength(5);
			expect(r.chosen).toEqual(r.candidates[0]);
		}
		const append = events.find((e) => e.step === 'append')!;
		if (append.step !== 'append') throw new Error('no append');
		append.rows.forEach((r) => expect(r.generatedText).toBe(model.codec.decode([r.id])));
		const done = doneOf(events);
		expect(done.stats).toMatchObject({ rows: 4, forwardPasses: 4 });
		expect(done.stats.newTokens).toBe(done.rows.reduce((a, r) => a + r.newTokens, 0));
		expect(done.stats.paddingTokens).toBeGreaterThanOrEqual(pad.step === 'pad' ? pad.paddingTokens : 0);
	});

	it("every append carries each row's whole generated text so far, as decoding its ids gives it", async () => {
		// Sampled at a high temperature, so rows also pass through pieces of multi-byte characters.
		const events = await collect(
			batched(model, PROMPTS, {
				maxNewTokens: 24,
				mode: 'cached',
				sampling: { strategy: 'sample', temperature: 2, topK: 0, topP: 1, seed: 7 },
			}),
		);
		const generated: number[][] = PROMPTS.map(() => []);
		let appends = 0;
		for (const e of events) {
			if (e.step !== 'append') continue;
			for (const r of e.rows) {
				generated[r.row]!.push(r.id);
				expect(r.generatedText).toBe(model.codec.decode(generated[r.row]!));
				appends++;
			}
		}
		expect(appends).toBeGreaterThan(PROMPTS.length * 2);
		const done = doneOf(events);
		for (const r of done.rows) expect(r.generatedText).toBe(model.codec.decode(generated[r.row]!));
	});

	it('sampled rows use seed + row, so each reproduces its B = 1 run', async () => {
		const s = (seed: number): GenerateSettings => ({
			maxNewTokens: 8,
			mode: 'cached',
			sampling: { strategy: 'sample', temperature: 1.3, topK: 0, topP: 1, seed },
		});
		const done = doneOf(await collect(batched(model, PROMPTS.slice(0, 3), s(40))));
		for (const r of done.rows) expect(r.ids).toEqual(await solo(PROMPTS[r.row]!, s(40 + r.row)));
	});

	it('a stop lands within one forward pass and ends every row', async () => {
		const control: RunControl = { stopRequested: false };
		const seen: BatchedEvent[] = [];
		for await (const e of batched(model, PROMPTS, greedy(50), control)) {
			seen.push(e);
			if (e.step === 'select' && e.iteration === 1) control.stopRequested = true;
		}
		const done = doneOf(seen);
		expect(done.reason).toBe('stopped');
		expect(seen.filter((e) => e.step === 'forward')).toHaveLength(2);
		expect(seen.at(-2)!.step).toBe('select');
		// Only the tokens the reader was handed in full (iteration 0) were committed.
		for (const r of done.rows) expect(r.newTokens).toBe(1);
	});

	it('rejects bad input with the field named', async () => {
		const bad = (input: unknown, field: string) =>
			expect(collect(batched(model, input as BatchedInput, greedy(3)))).rejects.toMatchObject({
				kind: 'bad-settings',
				field,
			});
		await bad('one prompt', 'prompts');
		await bad([], 'prompts');
		await bad([3], 'prompts[0]');
		await bad(['ok', { prompt: 'x', maxNewTokens: 0 }], 'prompts[1].maxNewTokens');
		await bad(['ok', { prompt: 'x', max: 3 }], 'prompts[1].max');
	});
});
