/**
 * The block allocator on its own, then the `continuous` scheduler on the real
 * model: every request gets exactly its B = 1 tokens however it was scheduled
 * (joined a running batch, waited for blocks, was preempted and recomputed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BlockAllocator, contiguousWaste } from '../../src/runtime/block-allocator';
import { continuous } from '../../src/runtime/loops/continuous';
import type {
	ContinuousDoneEvent,
	ContinuousEvent,
	ContinuousRequest,
	ContinuousSettings,
} from '../../src/runtime/loops/continuous-events';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent } from '../../src/runtime/events';
import type { LoadedModel } from '../../src/runtime/loader';
import type { RunControl } from '../../src/runtime/stopping';
import { collect, loadTestModel } from './helpers';
import { lessonNumber, lessonQueue } from '../support/lesson-queue';

describe('BlockAllocator', () => {
	it('hands out the lowest free blocks, grows all-or-nothing, and takes them back', () => {
		const a = new BlockAllocator(4, 16);
		expect(a.grow(1, 17)).toBe(true); // two blocks
		expect(a.table(1)).toEqual([0, 1]);
		expect(a.grow(2, 16)).toBe(true);
		expect(a.table(2)).toEqual([2]);
		expect(a.wastedSlots).toBe(2 * 16 - 17);
		expect(a.grow(2, 33)).toBe(false); // needs 2 more, 1 free: takes nothing
		expect(a.table(2)).toEqual([2]);
		expect(a.freeBlocks).toBe(1);
		expect(a.release(1)).toEqual([0, 1]);
		expect(a.grow(2, 48)).toBe(true);
		expect(a.table(2)).toEqual([2, 0, 1]);
		expect(a.snapshot()).toEqual([{ seq: 2, blocks: [2, 0, 1], tokens: 48 }]);
		expect(a.usedBlocks).toBe(3);
		expect(
			contiguousWaste([
				{ tokens: 10, reserved: 256 },
				{ tokens: 40, reserved: 30 },
			]),
		).toBe(246);
	});
});

let model: LoadedModel;
beforeAll(async () => {
	model = await loadTestModel('q8');
});

const greedy = { strategy: 'greedy' } as const;
const REQUESTS: ContinuousRequest[] = [
	{ prompt: 'Thou shalt not', maxNewTokens: 24 },
	{ prompt: 'In the beginning', maxNewTokens: 4 },
	{ prompt: 'And the LORD spake unto Moses, saying,', maxNewTokens: 10 },
	{ prompt: 'Blessed are the', maxNewTokens: 6 },
	{ prompt: 'And it came to pass, when', maxNewTokens: 18 },
];
const doneOf = (events: ContinuousEvent[]) => events.at(-1) as ContinuousDoneEvent;
const soloIds = async (q: ContinuousRequest) =>
	(
		(await collect(generate(model, q.prompt, { maxNewTokens: q.maxNewTokens, mode: 'cached', sampling: greedy }))).at(
			-1,
		) as DoneEvent
	).ids;
const serve = (settings: Partial<ContinuousSettings>, requests = REQUESTS, control?: RunControl) =>
	collect(continuous(model, { requests }, { slots: 2, sampling: greedy, ...settings }, control));

describe('continuous: a scheduler over S slots', () => {
	it('gives every request its B = 1 tokens; a finished row’s slot is refilled while others run', async () => {
		const expected = await Promise.all(REQUESTS.map(soloIds));
		const events = await serve({});
		const done = doneOf(events);
		expect(done.reason).toBe('finished');
		expect(done.requests.map((r) => r.ids)).toEqual(expected);
		const admits = events.filter((e) => e.step === 'admit');
		const joinedRunning = admits.some(
			(a, k) =>
				a.admitted.length > 0 &&
				k > 0 &&
				(events.find((e) => e.step === 'forward' && e.iteration === a.iteration) as { rows: number }).rows > 0,
		);
		expect(joinedRunning, 'a request joined a batch that was already decoding').toBe(true);
		for (const e of events)
			if (e.step === 'retire') expect(e.slots.filter((s) => s !== null).length).toBeLessThanOrEqual(2);
		expect(done.stats.slots).toBe(2);
		expect(done.stats.slotUtilization).toBeGreaterThan(0.5);
		expect(done.stats.preemptions).toBe(0);
	});

	it('static batching waits for the whole batch; continuous needs fewer iterations for the same tokens', async () => {
		const stat = doneOf(await serve({ policy: 'static' }));
		const cont = doneOf(await serve({ policy: 'continuous' }));
		expect(stat.requests.map((r) => r.ids)).toEqual(cont.requests.map((r) => r.ids));
		expect(cont.stats.iterations).toBeLessThan(stat.stats.iterations);
		expect(cont.stats.slotUtilization).toBeGreaterThan(stat.stats.slotUtilization);
		const events = await serve({ policy: 'static' });
		const blocked = events.filter((e) => e.step === 'admit' && e.blockedBy === 'static-batch');
		expect(blocked.length).toBeGreaterThan(0);
	});

	it('books KV in blocks, and paged waste stays under a block per request while a contiguous reservation wastes far more', async () => {
		const events = await serve({ blockSize: 16 });
		for (const e of events) {
			if (e.step !== 'retire') continue;
			expect(e.blocks.pagedWasteSlots).toBeLessThan(16 * Math.max(1, e.blocks.tables.length));
			for (const t of e.blocks.tables) expect(t.blocks).toHaveLength(Math.ceil(t.tokens / 16));
		}
		const { stats } = doneOf(events);
		expect(stats.peakContiguousWasteSlots).toBeGreaterThan(stats.peakPagedWasteSlots);
		const appendBlocks = events.flatMap((e) => (e.step === 'append' ? e.allocated : []));
		expect(appendBlocks.length).toBeGreaterThan(0);
	});

	it('out of blocks: the queue waits, a running request is preempted and recomputed, and says so; tokens are unchanged', async () => {
		const expected = await Promise.all(REQUESTS.map(soloIds));
		// 5 blocks of 8 tokens: the prompts fit a few at a time, but not all their growth.
		const events = await serve({ slots: 3, blockSize: 8, kvBlocks: 5 });
		const done = doneOf(events);
		expect(done.requests.map((r) => r.ids)).toEqual(expected);
		expect(events.some((e) => e.step === 'admit' && e.blockedBy === 'blocks')).toBe(true);
		const preempted = events.flatMap((e) => (e.step === 'append' ? e.preempted : []));
		expect(preempted.length).toBeGreaterThan(0);
		expect(done.stats.preemptions).toBe(preempted.length);
		expect(events.some((e) => e.step === 'admit' && e.admitted.some((a) => a.resumed))).toBe(true);
		for (const e of events) if (e.step === 'retire') expect(e.blocks.usedBlocks).toBeLessThanOrEqual(5);
	});

	it("every append carries the request's whole generated text so far, through preemptions too", async () => {
		// Sampled hot, so texts pass through pieces of multi-byte characters; few blocks, so requests are preempted.
		const events = await serve({
			slots: 3,
			blockSize: 8,
			kvBlocks: 5,
			sampling: { strategy: 'sample', temperature: 2, topK: 0, topP: 1, seed: 7 },
		});
		const generated: number[][] = REQUESTS.map(() => []);
		for (const e of events) {
			if (e.step !== 'append') continue;
			for (const r of e.rows) {
				generated[r.request]!.push(r.id);
				expect(r.generatedText).toBe(model.codec.decode(generated[r.request]!));
			}
		}
		expect(events.some((e) => e.step === 'append' && e.preempted.length > 0)).toBe(true);
		for (const r of doneOf(events).requests) expect(r.generatedText).toBe(model.codec.decode(generated[r.request]!));
	});

	it('a request longer than the context is truncated and ends at the context; one that can never fit in KV memory is refused', async () => {
		const long = 'And God said, Let there be light: and there was light. '.repeat(40);
		const events = await serve({ slots: 2 }, [
			{ prompt: long, maxNewTokens: 50 },
			{ prompt: 'In the beginning', maxNewTokens: 3 },
		]);
		const enc = events[0]!;
		if (enc.step !== 'encode') throw new Error('no encode');
		expect(enc.requests[0]!.truncated).toBeDefined();
		const done = doneOf(events);
		expect(['context-full', 'eos']).toContain(done.requests[0]!.reason);
		expect(done.requests[0]!.ids.length).toBeLessThanOrEqual(256);

		const tight = await serve({ slots: 2, blockSize: 16, kvBlocks: 2 }, [
			{ prompt: long, maxNewTokens: 5 },
			{ prompt: 'In the beginning', maxNewTokens: 3 },
		]);
		const d2 = doneOf(tight);
		expect(d2.requests[0]).toMatchObject({ reason: 'kv-full', newTokens: 0 });
		expect(d2.requests[1]!.newTokens).toBe(3);
		expect(tight.find((e) => e.step === 'admit')).toMatchObject({ rejected: [0] });
	});

	it('a stop ends every request; bad settings name the field', async () => {
		const control: RunControl = { stopRequested: false };
		const seen: ContinuousEvent[] = [];
		for await (const e of continuous(model, { requests: REQUESTS }, { slots: 2, sampling: greedy }, control)) {
			seen.push(e);
			if (e.step === 'select' && e.iteration === 2) control.stopRequested = true;
		}
		const done = doneOf(seen);
		expect(done.reason).toBe('stopped');
		expect(seen.at(-2)!.step).toBe('select');
		expect(
			done.requests.every(
				(r) => r.reason === 'stopped' || r.newTokens === REQUESTS[r.request]!.maxNewTokens || r.reason === 'eos',
			),
		).toBe(true);
		const bad = (input: unknown, settings: unknown, field: string) =>
			expect(collect(continuous(model, input as never, settings as never))).rejects.toMatchObject({
				kind: 'bad-settings',
				field,
			});
		await bad({ requests: [] }, { slots: 2, sampling: greedy }, 'requests');
		await bad(
			{ requests: [{ prompt: 'x', maxNewTokens: 0 }] },
			{ slots: 2, sampling: greedy },
			'requests[0].maxNewTokens',
		);
		await bad({ requests: REQUESTS }, { slots: 0, sampling: greedy }, 'slots');
		await bad({ requests: REQUESTS }, { slots: 2, sampling: greedy, policy: 'fifo' }, 'policy');
		await bad({ requests: REQUESTS }, { slots: 2, sampling: { strategy: 'beam' } }, 'sampling.strategy');
		await bad({ requests: REQUESTS }, { slots: 2, sampling: greedy, kvblocks: 3 }, 'kvblocks');
	});
});

/** Forward passes a run made: one per batched decode step, plus one prefill per admission. */
function forwardPasses(events: ContinuousEvent[]) {
	const decode = events.filter((e) => e.step === 'forward' && e.rows > 0).length;
	const prefill = events.reduce((n, e) => n + (e.step === 'admit' ? e.admitted.length : 0), 0);
	return { decode, prefill, total: decode + prefill };
}

describe("lesson 6's default queue: 12 requests, 4 slots, static and continuous", () => {
	const requests = lessonQueue().map((prompt) => ({ prompt, maxNewTokens: lessonNumber('queueMaxNewTokens') }));
	const slots = lessonNumber('queueSlots');

	it('every request gets exactly its solo greedy tokens in both modes; continuous needs fewer forward passes', async () => {
		expect(requests.length).toBeGreaterThanOrEqual(12);
		const expected = await Promise.all(requests.map(soloIds));
		// Different output lengths are what static batching wastes slots on.
		expect(new Set(expected.map((ids) => ids.length)).size).toBeGreaterThan(1);
		const runs = {} as Record<'static' | 'continuous', ContinuousEvent[]>;
		for (const policy of ['static', 'continuous'] as const) {
			runs[policy] = await serve({ slots, policy }, requests);
			const done = doneOf(runs[policy]);
			expect(done.reason).toBe('finished');
			expect(
				done.requests.map((r) => r.ids),
				policy,
			).toEqual(expected);
			expect(done.requests.every((r) => r.reason === 'eos')).toBe(true);
		}
		const stat = forwardPasses(runs.static);
		const cont = forwardPasses(runs.continuous);
		expect(cont.prefill).toBe(requests.length);
		expect(stat.prefill).toBe(requests.length);
		expect(cont.total).toBeLessThan(stat.total);
		const [s, c] = [doneOf(runs.static).stats, doneOf(runs.continuous).stats];
		expect(c.slotUtilization).toBeGreaterThan(s.slotUtilization);
		console.info(
			`lesson 6 queue: static ${stat.decode}+${stat.prefill} passes, ${(s.slotUtilization * 100).toFixed(1)}% busy; ` +
				`continuous ${cont.decode}+${cont.prefill} passes, ${(c.slotUtilization * 100).toFixed(1)}% busy; ` +
				`output lengths ${doneOf(runs.continuous)
					.requests.map((r) => r.newTokens)
					.join(',')}; ` +
				`peak blocks ${c.peakBlocksUsed}, peak paged waste ${c.peakPagedWasteSlots}`,
		);
	});
});
