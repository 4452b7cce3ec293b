/**
 * Runs started with `realtime`: while not paused the worker may run
 * REALTIME_LOOKAHEAD loop iterations ahead of the reader, and reads credits in
 * bulk; pause and step stay exact, and every token the worker made reaches the
 * reader before 'done', stop included.
 */
import { describe, expect, it } from 'vitest';
import { createRuntimeClient } from '../../src/runtime/client';
import { REALTIME_LOOKAHEAD } from '../../src/runtime/run-handle';
import type { FromWorker, ToWorker } from '../../src/runtime/protocol';
import type { GenerateSettings, StepEvent } from '../../src/runtime/events';
import { MODEL_URL, collect, diskFetch } from './helpers';
import { connectInProcess } from './in-process';

const greedy = (maxNewTokens: number): GenerateSettings => ({
	maxNewTokens,
	mode: 'cached',
	sampling: { strategy: 'greedy' },
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Its greedy run does not reach EOS within 60 tokens.
const LONG = 'Thou shalt not';

async function client() {
	const posted: StepEvent[] = [];
	const toWorker: ToWorker[] = [];
	const rt = createRuntimeClient(
		connectInProcess(
			diskFetch(),
			{ loads: 0 },
			(m: FromWorker) => m.type === 'events' && posted.push(...(m.events as StepEvent[])),
			(m) => toWorker.push(m),
		),
	);
	await rt.load({ model: MODEL_URL });
	return { rt, posted, toWorker };
}

describe('realtime runs', () => {
	it('make the same events as a default run, with fewer credits than iterations', async () => {
		const { rt, toWorker } = await client();
		const plain = await collect(rt.generate(LONG, greedy(24)));
		const credits = () => toWorker.filter((m) => m.type === 'credit').length;
		const before = credits();
		const realtime = await collect(rt.generate(LONG, greedy(24), { realtime: true }));
		const strip = (events: StepEvent[]) =>
			events.map((e) => ({ ...e, ms: 0, selectMs: 0, stats: undefined }) as unknown as StepEvent);
		expect(strip(realtime)).toEqual(strip(plain));
		expect(credits() - before).toBeLessThanOrEqual(24 / 2 + 2);
	});

	it('a reader who stops taking events lets the worker run at most the lookahead ahead', async () => {
		const { rt, posted } = await client();
		const run = rt.generate(LONG, greedy(60), { realtime: true });
		const it = run[Symbol.asyncIterator]();
		for (;;) {
			const r = await it.next();
			if (r.value?.step === 'append') break;
		}
		await sleep(400);
		const appended = posted.filter((e) => e.step === 'append').length;
		expect(appended).toBeGreaterThan(1);
		expect(appended).toBeLessThanOrEqual(REALTIME_LOOKAHEAD);
		run.stop();
		// Everything the worker made is handed over before 'done'.
		const rest: StepEvent[] = [];
		for (;;) {
			const r = await it.next();
			if (r.done) break;
			rest.push(r.value);
		}
		const done = await run.done;
		expect(done.reason).toBe('stopped');
		expect(rest.at(-1)).toEqual(done);
		expect(1 + rest.filter((e) => e.step === 'append').length).toBe(done.stats.newTokens);
		expect(done.stats.newTokens).toBeLessThanOrEqual(REALTIME_LOOKAHEAD + 1);
	});

	it('pause holds what the reader is handed, and step releases exactly one event', async () => {
		const { rt } = await client();
		const run = rt.generate(LONG, greedy(60), { realtime: true });
		const it = run[Symbol.asyncIterator]();
		const seen: StepEvent[] = [];
		for (;;) {
			const r = await it.next();
			seen.push(r.value!);
			if (r.value?.step === 'append' && r.value.iteration === 2) break;
		}
		run.pause();
		const pending = it.next();
		const early = await Promise.race([pending.then(() => 'event'), sleep(300).then(() => 'nothing')]);
		expect(early).toBe('nothing');
		run.step();
		const next = (await pending).value!;
		expect(`${next.step}:${next.iteration}`).toBe('eos-check:2');
		const again = it.next();
		expect(await Promise.race([again.then(() => 'event'), sleep(200).then(() => 'nothing')])).toBe('nothing');
		run.resume();
		const rest = [(await again).value!, ...(await collect({ [Symbol.asyncIterator]: () => it }))];
		const done = await run.done;
		expect(rest.at(-1)).toEqual(done);
		expect(done.reason).toBe('max_new');
		expect(done.stats.newTokens).toBe(60);
	});
});
