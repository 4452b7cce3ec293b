/**
 * Named loops through the client and the real worker host: any loop runs the
 * same way, and the flow window is counted in loop iterations, so the worker
 * stays one forward pass ahead of the reader whatever a loop's iteration emits.
 */
import { describe, expect, it } from 'vitest';
import { createRuntimeClient } from '../../src/runtime/client';
import type { FromWorker, ToWorker } from '../../src/runtime/protocol';
import type { AnyLoopEvent } from '../../src/runtime/loops/types';
import type { BatchedEvent } from '../../src/runtime/loops/batched-events';
import type { GenerateSettings } from '../../src/runtime/events';
import { LOOPS } from '../../src/runtime/loops/index';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { MODEL_URL, collect, diskFetch } from './helpers';
import { connectInProcess } from './in-process';

const greedy = (maxNewTokens: number): GenerateSettings => ({
	maxNewTokens,
	mode: 'cached',
	sampling: { strategy: 'greedy' },
});
const PROMPTS = ['In the beginning God created', 'Blessed are the', 'And', 'And the LORD spake unto Moses,'];
const label = (e: AnyLoopEvent) => `${e.step}:${e.iteration}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client() {
	const fromWorker: Array<Extract<FromWorker, { type: 'events' }>> = [];
	const toWorker: ToWorker[] = [];
	const rt = createRuntimeClient(
		connectInProcess(
			diskFetch(),
			{ loads: 0 },
			(m) => m.type === 'events' && fromWorker.push(m),
			(m) => toWorker.push(m),
		),
	);
	await rt.load({ model: MODEL_URL });
	return { rt, fromWorker, toWorker, posted: () => fromWorker.flatMap((m) => m.events) };
}

/** Takes events until `until` matches, then holds the iterator there. */
async function takeUntil(run: AsyncIterable<AnyLoopEvent>, until: (e: AnyLoopEvent) => boolean) {
	const it = run[Symbol.asyncIterator]();
	for (;;) {
		const r = await it.next();
		if (r.done || until(r.value)) return it;
	}
}

describe('named loops through the worker', () => {
	it('every loop declares iteration ends from its own vocabulary', () => {
		for (const [name, loop] of Object.entries(LOOPS)) {
			const steps: readonly string[] = LOOP_VOCABULARIES[name as keyof typeof LOOPS];
			for (const s of loop.endsIteration) expect(steps).toContain(s);
		}
	});

	it('run("batched") streams the loop and resolves done; one message per iteration each way', async () => {
		const { rt, fromWorker, toWorker } = await client();
		const run = rt.run('batched', PROMPTS, greedy(6));
		expect(run.loop).toBe('batched');
		const events = await collect(run);
		const done = await run.done;
		expect(events.at(-1)).toEqual(done);
		expect(done.rows).toHaveLength(4);
		expect(events.map((e) => e.step).slice(0, 3)).toEqual(['encode', 'pad', 'forward']);
		for (const m of fromWorker) {
			const iterations = new Set(m.events.filter((e) => e.step !== 'done').map((e) => e.iteration));
			expect(iterations.size).toBeLessThanOrEqual(1);
			// The page never waits on an event the worker holds while it runs the model.
			m.events.forEach((e, i) => e.step === 'forward' && expect(i).toBe(0));
		}
		const iterations = done.stats.forwardPasses;
		const credits = toWorker.filter((m) => m.type === 'credit');
		expect(credits.length).toBeLessThanOrEqual(iterations);
		expect(fromWorker.filter((m) => m.complete).length).toBeLessThanOrEqual(iterations + 2);
	});

	it('run("stream") gives prefill, then a decode per later token', async () => {
		const { rt } = await client();
		const run = rt.run('stream', 'Thou shalt not', { maxNewTokens: 5, sampling: { strategy: 'greedy' } });
		const events = await collect(run);
		const done = await run.done;
		expect(events.filter((e) => e.step === 'prefill')).toHaveLength(1);
		expect(events.filter((e) => e.step === 'decode')).toHaveLength(done.stats.newTokens - 1);
		expect(done.stats.timeToFirstTokenMs).toBeGreaterThan(0);
	});

	it('the window is one iteration for any loop: a reader holding iteration 0 keeps the worker one forward pass ahead', async () => {
		for (const [loop, input, settings, hold, tail] of [
			['batched', PROMPTS, greedy(40), 'append', ['append:0', 'stop-check:0', 'forward:1']],
			[
				'stream',
				'Thou shalt not',
				{ maxNewTokens: 40, sampling: { strategy: 'greedy' } },
				'token',
				['token:0', 'stop-check:0', 'decode:1'],
			],
			['generate', 'Thou shalt not', greedy(40), 'append', ['append:0', 'eos-check:0', 'forward:1']],
		] as const) {
			const { rt, posted } = await client();
			const run = rt.run(loop as 'batched', input as never, settings as never);
			const it = await takeUntil(run, (e) => e.step === hold);
			await sleep(400);
			expect(posted().map(label).slice(-3), loop).toEqual(tail);
			run.stop();
			await it.return!();
			const done = (await run.done) as unknown as { reason: string; stats: { newTokens: number } };
			expect(done.reason).toBe('stopped');
			// batched counts tokens over its 4 rows; the others have one row
			expect(done.stats.newTokens, loop).toBe(loop === 'batched' ? 4 : 1);
		}
	});

	it('a paused run nobody iterates holds the worker, and resumes', async () => {
		const { rt, posted } = await client();
		const run = rt.run('batched', PROMPTS, greedy(30), { startPaused: true });
		await sleep(500);
		const seen = posted().map(label);
		expect(seen).not.toContain('select:1');
		expect(seen.filter((l) => l.startsWith('forward')).length).toBeLessThanOrEqual(2);
		run.resume();
		const done = await run.done;
		expect(done.step).toBe('done');
		expect(done.stats.newTokens).toBeGreaterThan(4);
	});

	it('single steps walk a batched run one event at a time', async () => {
		const { rt } = await client();
		const run = rt.run('batched', PROMPTS.slice(0, 2), greedy(3), { startPaused: true });
		const it = run[Symbol.asyncIterator]();
		const steps: string[] = [];
		for (let i = 0; i < 6; i++) {
			const pending = it.next();
			const early = await Promise.race([pending.then(() => 'event'), sleep(120).then(() => 'nothing')]);
			expect(early).toBe('nothing');
			run.step();
			steps.push(((await pending).value as BatchedEvent).step);
		}
		expect(steps).toEqual(['encode', 'pad', 'forward', 'select', 'append', 'stop-check']);
		run.stop();
		await expect(run.done).resolves.toMatchObject({ reason: 'stopped' });
	});

	it('an unknown loop or bad input rejects with the field named', async () => {
		const { rt } = await client();
		await expect(rt.run('beam' as 'batched', PROMPTS, greedy(3)).done).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'loop',
		});
		await expect(rt.run('batched', 'not a list' as never, greedy(3)).done).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'prompts',
		});
	});
});
