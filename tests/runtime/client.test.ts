/**
 * The page-side client against the real worker host, in one process: messages
 * go through structuredClone exactly as they would through postMessage.
 */
import { describe, expect, it } from 'vitest';
import { createRuntimeClient, type RunHandle } from '../../src/runtime/client';
import type { FromWorker, Port, ToWorker } from '../../src/runtime/protocol';
import type { DoneEvent, GenerateSettings, LoadProgress, StepEvent } from '../../src/runtime/events';
import { RuntimeError } from '../../src/runtime/errors';
import { MODEL_URL, collect, diskFetch } from './helpers';
import { connectInProcess, type Counters } from './in-process';

const tick = () => new Promise((r) => setTimeout(r, 0));

const greedy = (maxNewTokens: number, mode: 'naive' | 'cached' = 'cached'): GenerateSettings => ({
	maxNewTokens,
	mode,
	sampling: { strategy: 'greedy' },
});

/** Resolves with the next event, or 'nothing' if none arrives within `ms`. */
async function nextWithin(it: AsyncIterator<StepEvent>, ms: number, pending?: Promise<IteratorResult<StepEvent>>) {
	const p = pending ?? it.next();
	return Promise.race([
		p.then((r) => (r.done ? 'end' : r.value)),
		new Promise<'nothing'>((r) => setTimeout(() => r('nothing'), ms)),
	]);
}

describe('client ↔ worker host', () => {
	it('several load() calls share one load and one model; all see progress', async () => {
		const counters: Counters = { loads: 0 };
		const rt = createRuntimeClient(connectInProcess(diskFetch(), counters));
		const a: LoadProgress[] = [];
		const b: LoadProgress[] = [];
		const [ia, ib] = await Promise.all([
			rt.load({ model: MODEL_URL }, (p) => a.push(p)),
			rt.load({ model: MODEL_URL }, (p) => b.push(p)),
		]);
		expect(ia).toEqual(ib);
		expect(ia).toMatchObject({
			modelId: 'kjv-gpt-2m',
			dtype: 'q8',
			contextSize: 256,
			vocabSize: 2048,
			eosId: 2047,
			backend: { backend: 'wasm' },
		});
		expect(counters.loads).toBe(1);
		expect(counters.fetchedOnnx).toBe(1);
		expect(a.length).toBeGreaterThan(0);
		expect(b.length).toBeGreaterThan(0);
		expect(a.at(-1)!.overallLoaded).toBe(a.at(-1)!.overallTotal);
		// A later call gets the loaded model without loading again.
		expect(await rt.load({ model: MODEL_URL })).toEqual(ia);
		expect(counters.loads).toBe(1);
	});

	it('a failed load rejects with a RuntimeError, and a later load() retries', async () => {
		let broken = true;
		const disk = diskFetch();
		const flaky = ((input: RequestInfo | URL, init?: RequestInit) =>
			broken && String(input).endsWith('.onnx')
				? Promise.resolve(new Response('gone', { status: 404 }))
				: disk(input, init)) as typeof fetch;
		const rt = createRuntimeClient(connectInProcess(flaky));
		const err = await rt.load({ model: MODEL_URL }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RuntimeError);
		expect(err).toMatchObject({ kind: 'not-found', message: expect.stringMatching(/HTTP 404/) });
		broken = false;
		await expect(rt.load({ model: MODEL_URL })).resolves.toMatchObject({ modelId: 'kjv-gpt-2m' });
	});

	it('rejects bad load options without touching the worker', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await expect(rt.load({ model: MODEL_URL, backend: 'gpu' as never })).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'backend',
		});
		await expect(rt.load({ model: MODEL_URL, dtype: 'int4' as never })).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'dtype',
		});
	});

	it('streams a run as an async iterable and resolves done', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await rt.load({ model: MODEL_URL });
		const run = rt.generate('In the beginning', greedy(4));
		const events = await collect(run);
		const done = await run.done;
		expect(events[0]!.step).toBe('encode');
		expect(events.at(-1)).toEqual(done);
		expect(done.step).toBe('done');
		expect(['max_new', 'eos']).toContain(done.reason);
	});

	it('batches a loop iteration per message and posts what it has before every forward pass', async () => {
		const batches: StepEvent[][] = [];
		const rt = createRuntimeClient(
			connectInProcess(diskFetch(), { loads: 0 }, (m) => m.type === 'events' && batches.push(m.events as StepEvent[])),
		);
		await rt.load({ model: MODEL_URL });
		const events = await collect(rt.generate('In the beginning', greedy(8)));
		expect(batches.flat()).toEqual(events);
		expect(batches.length).toBeLessThan(events.length);
		for (const batch of batches) {
			// The page is never left waiting on an event the worker holds while it runs the model.
			batch.forEach((e, i) => e.step === 'forward' && expect(i).toBe(0));
			// A message never spans two iterations.
			expect(new Set(batch.filter((e) => e.step !== 'done').map((e) => e.iteration)).size).toBeLessThanOrEqual(1);
		}
	});

	it('a reader who stops taking events holds the worker one forward pass ahead, never a token', async () => {
		const posted: StepEvent[] = [];
		const rt = createRuntimeClient(
			connectInProcess(
				diskFetch(),
				{ loads: 0 },
				(m) => m.type === 'events' && posted.push(...(m.events as StepEvent[])),
			),
		);
		await rt.load({ model: MODEL_URL });
		const run = rt.generate('In the beginning', greedy(50));
		const it = run[Symbol.asyncIterator]();
		for (;;) {
			const r = await it.next();
			if (r.value?.step === 'append') break;
		}
		// The reader holds token 0's append; its eos-check waits unread.
		await new Promise((r) => setTimeout(r, 400));
		expect(posted.map((e) => `${e.step}:${e.iteration}`).slice(-3)).toEqual(['append:0', 'eos-check:0', 'forward:1']);
		run.stop();
		await it.return!();
		const done = await run.done;
		expect(done.reason).toBe('stopped');
		expect(done.stats.newTokens).toBe(1);
	});

	it('startPaused + step releases exactly one event per step; resume runs to the end', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await rt.load({ model: MODEL_URL });
		const run = rt.generate('In the beginning', greedy(3), { startPaused: true });
		const it = run[Symbol.asyncIterator]();
		let pending = it.next();
		expect(await nextWithin(it, 300, pending)).toBe('nothing');
		// That next() is still waiting; one step releases exactly one event.
		const steps: string[] = [];
		run.step();
		let r = await pending;
		steps.push(r.value!.step);
		for (let i = 0; i < 3; i++) {
			pending = it.next();
			expect(await nextWithin(it, 150, pending)).toBe('nothing');
			run.step();
			r = await pending;
			steps.push(r.value!.step);
		}
		expect(steps).toEqual(['encode', 'forward', 'last-logits', 'select']);
		pending = it.next();
		expect(await nextWithin(it, 150, pending)).toBe('nothing');
		run.resume();
		const rest: StepEvent[] = [(await pending).value!];
		for (;;) {
			const x = await it.next();
			if (x.done) break;
			rest.push(x.value);
		}
		expect(rest[0]!.step).toBe('append');
		expect(rest.at(-1)!.step).toBe('done');
	});

	it('pause holds the run mid-way; stop then ends it with done "stopped"', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await rt.load({ model: MODEL_URL });
		const run = rt.generate('In the beginning', greedy(200));
		const seen: StepEvent[] = [];
		for await (const ev of run) {
			seen.push(ev);
			if (ev.step === 'append' && ev.iteration === 2) {
				run.pause();
				const before = seen.length;
				await new Promise((r) => setTimeout(r, 250));
				expect(seen.length).toBe(before);
				run.stop();
			}
		}
		const done = await run.done;
		expect(done.reason).toBe('stopped');
		expect(done.stats.newTokens).toBe(3);
		expect(seen.at(-1)).toEqual(done);
	});

	it('leaving a for-await loop early stops the run', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await rt.load({ model: MODEL_URL });
		const run = rt.generate('In the beginning', greedy(200));
		for await (const ev of run) if (ev.step === 'forward') break;
		expect((await run.done).reason).toBe('stopped');
	});

	it('concurrent runs on one model do not disturb each other, even when one is paused', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await rt.load({ model: MODEL_URL });
		const solo = async (prompt: string, s: GenerateSettings) =>
			(await collect(rt.generate(prompt, s))).at(-1) as DoneEvent;
		const sampled: GenerateSettings = {
			maxNewTokens: 10,
			mode: 'cached',
			sampling: { strategy: 'sample', temperature: 1.2, topK: 50, topP: 0.95, seed: 11 },
		};
		const expectA = await solo('In the beginning', greedy(10, 'cached'));
		const expectB = await solo('And the LORD spake', sampled);
		const expectC = await solo('Blessed are', greedy(10, 'naive'));

		const paused = rt.generate('Blessed are', greedy(10, 'naive'), { startPaused: true });
		const [a, b] = await Promise.all([
			solo('In the beginning', greedy(10, 'cached')),
			solo('And the LORD spake', sampled),
		]);
		expect(a.ids).toEqual(expectA.ids);
		expect(b.ids).toEqual(expectB.ids);
		paused.resume();
		expect((await paused.done).ids).toEqual(expectC.ids);
	});

	it('bad settings reject done and throw from the iterator with the field named', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await rt.load({ model: MODEL_URL });
		const run: RunHandle = rt.generate('x', {
			...greedy(3),
			sampling: { strategy: 'sample', temperature: -1, topK: 0, topP: 1, seed: 0 },
		});
		await expect(run.done).rejects.toMatchObject({
			name: 'RuntimeError',
			kind: 'bad-settings',
			field: 'sampling.temperature',
		});
		await expect(collect(run)).rejects.toBeInstanceOf(RuntimeError);
	});

	it('generate() before load() waits for the load in flight', async () => {
		const rt = createRuntimeClient(connectInProcess());
		const loading = rt.load({ model: MODEL_URL });
		const run = rt.generate('In the beginning', greedy(2));
		await tick();
		await loading;
		expect((await run.done).step).toBe('done');
	});

	it('a crashed worker rejects what was pending instead of hanging', async () => {
		let listeners: Array<(e: { message?: string }) => void> = [];
		const rt = createRuntimeClient(() => {
			const port = {
				onmessage: null,
				postMessage() {
					setTimeout(() => listeners.forEach((l) => l({ message: 'out of memory' })), 10);
				},
				addEventListener(type: string, f: (e: { message?: string }) => void) {
					if (type === 'error') listeners.push(f);
				},
			};
			return port as unknown as Port<FromWorker, ToWorker>;
		});
		await expect(rt.load({ model: MODEL_URL })).rejects.toMatchObject({
			kind: 'internal',
			message: expect.stringMatching(/crashed: out of memory/),
		});
		listeners = [];
	});
});
