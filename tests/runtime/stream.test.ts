/**
 * The `stream` loop on the real model: the same tokens as lesson 1's cached
 * loop, with prefill and decode apart and TTFT / time per output token from
 * the loop's own clock.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { stream } from '../../src/runtime/loops/stream';
import type { StreamDoneEvent, StreamEvent, StreamSettings } from '../../src/runtime/loops/stream-events';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent } from '../../src/runtime/events';
import type { LoadedModel } from '../../src/runtime/loader';
import type { RunControl } from '../../src/runtime/stopping';
import { collect, loadTestModel } from './helpers';

let model: LoadedModel;
beforeAll(async () => {
	model = await loadTestModel('q8');
});

const greedy = (maxNewTokens: number): StreamSettings => ({ maxNewTokens, sampling: { strategy: 'greedy' } });
const PROMPT = 'Thou shalt not';
const doneOf = (events: StreamEvent[]) => events.at(-1) as StreamDoneEvent;

describe('stream: prefill, then one decode pass per token', () => {
	it('gives lesson 1’s cached tokens, with the listing’s steps in order', async () => {
		const n = 6;
		const events = await collect(stream(model, PROMPT, greedy(n)));
		const expected = (await collect(generate(model, PROMPT, { ...greedy(n), mode: 'cached' }))).at(-1) as DoneEvent;
		const done = doneOf(events);
		expect(done.ids).toEqual(expected.ids);
		expect(done.reason).toBe(expected.reason);
		const k = done.stats.newTokens;
		expect(events.map((e) => e.step)).toEqual([
			'encode',
			'prefill',
			...Array.from({ length: k }, (_, i) => [...(i > 0 ? ['decode'] : []), 'select', 'token', 'stop-check']).flat(),
			'done',
		]);
		events.forEach((e, i) => expect(e.index).toBe(i));
		const promptTokens = model.codec.encode(PROMPT).length;
		expect(events[1]).toMatchObject({ step: 'prefill', iteration: 0, promptTokens, kvBytes: 6144 * promptTokens });
		const decodes = events.filter((e) => e.step === 'decode');
		decodes.forEach((d, i) =>
			expect(d).toMatchObject({
				iteration: i + 1,
				sequenceLength: promptTokens + i + 1,
				kvBytes: 6144 * (promptTokens + i + 1),
			}),
		);
		const tokens = events.filter((e) => e.step === 'token');
		tokens.forEach((t, i) => expect(t.iteration).toBe(i));
		expect(tokens.at(-1)).toMatchObject({ generatedText: done.generatedText });
	});

	it('reports TTFT, time per output token and both rates consistently', async () => {
		const events = await collect(stream(model, PROMPT, greedy(12)));
		const { stats } = doneOf(events);
		const first = events.find((e) => e.step === 'token')!;
		expect(first.step === 'token' && first.atMs).toBe(stats.timeToFirstTokenMs);
		expect(stats.timeToFirstTokenMs).toBeGreaterThanOrEqual(stats.prefillMs);
		expect(stats.decodeStepMs).toHaveLength(stats.newTokens - 1);
		expect(stats.timePerOutputTokenMs).toBeCloseTo(
			(stats.totalMs - stats.timeToFirstTokenMs) / (stats.newTokens - 1),
			9,
		);
		expect(stats.timeToFirstTokenMs + (stats.newTokens - 1) * stats.timePerOutputTokenMs).toBeCloseTo(stats.totalMs, 6);
		expect(stats.prefillTokensPerSecond).toBeGreaterThan(0);
		expect(stats.decodeTokensPerSecond).toBeGreaterThan(0);
	});

	it('a stop lands within one pass; naive mode is refused', async () => {
		const control: RunControl = { stopRequested: false };
		const seen: StreamEvent[] = [];
		for await (const e of stream(model, PROMPT, greedy(40), control)) {
			seen.push(e);
			if (e.step === 'token' && e.iteration === 2) control.stopRequested = true;
		}
		expect(doneOf(seen)).toMatchObject({ reason: 'stopped', stats: { newTokens: 3 } });
		expect(seen.at(-2)!.step).toBe('token');
		await expect(collect(stream(model, PROMPT, { ...greedy(3), mode: 'naive' } as never))).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'mode',
		});
	});
});

describe('stream with ignoreEos: a timed run makes exactly maxNewTokens tokens', () => {
	// A default prompt of the course: greedy ends it at <|endoftext|> well within 60 tokens.
	const ENDS = 'The LORD is my shepherd;';

	it('goes on past the stop token, with the same tokens up to it', async () => {
		const stopped = doneOf(await collect(stream(model, ENDS, greedy(60))));
		expect(stopped.reason).toBe('eos');
		const n = stopped.stats.newTokens + 5;
		const past = doneOf(await collect(stream(model, ENDS, { ...greedy(n), ignoreEos: true })));
		expect(past.reason).toBe('max_new');
		expect(past.stats.newTokens).toBe(n);
		expect(past.ids.slice(0, stopped.ids.length)).toEqual(stopped.ids);
		expect(past.ids[stopped.ids.length - 1]).toBe(model.config.eosId);
	});

	it('stops at the context all the same, and refuses a value that is not true or false', async () => {
		const full = doneOf(await collect(stream(model, ENDS, { ...greedy(256), ignoreEos: true })));
		expect(full.reason).toBe('context-full');
		expect(full.ids).toHaveLength(model.config.contextSize);
		await expect(collect(stream(model, ENDS, { ...greedy(3), ignoreEos: 'yes' } as never))).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'ignoreEos',
		});
	});
});
