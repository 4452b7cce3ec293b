import { beforeAll, describe, expect, it } from 'vitest';
import { generate, type RunControl } from '../../src/runtime/generate';
import type { DoneEvent, GenerateSettings, StepEvent } from '../../src/runtime/events';
import type { LoadedModel } from '../../src/runtime/loader';
import { argmax } from '../../src/runtime/sampling';
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
const PROMPT = 'In the beginning God created';
const doneOf = (events: StepEvent[]) => events[events.length - 1] as DoneEvent;

describe('generate: the loop as events', () => {
	it('reports what was loaded', () => {
		expect(model.info).toMatchObject({
			modelId: 'kjv-gpt-2m',
			dtype: 'q8',
			contextSize: 256,
			vocabSize: 2048,
			eosId: 2047,
		});
		expect(model.info.backend).toMatchObject({ backend: 'wasm', fellBack: false, threads: 1 });
		expect(model.info.backend.reason).toMatch(/WebGPU/);
	});

	it('emits encode, then forward/last-logits/select/append/eos-check per token, then done', async () => {
		const events = await collect(generate(model, PROMPT, greedy(3)));
		const steps = events.map((e) => e.step);
		const stopEarly = steps.includes('eos-check') && events.some((e) => e.step === 'eos-check' && e.isEos);
		const iterations = stopEarly ? events.filter((e) => e.step === 'append').length : 3;
		expect(steps).toEqual([
			'encode',
			...Array.from({ length: iterations }, () => ['forward', 'last-logits', 'select', 'append', 'eos-check']).flat(),
			'done',
		]);
		events.forEach((e, i) => expect(e.index).toBe(i));

		const enc = events[0]!;
		if (enc.step !== 'encode') throw new Error('first event is not encode');
		expect(enc.iteration).toBe(-1);
		expect(enc.ids).toEqual(model.codec.encode(PROMPT));
		expect(enc.tokens.join('')).toBe(PROMPT);
		expect(enc.startedFromBos).toBe(false);
		expect(enc.truncated).toBeUndefined();

		const forwards = events.filter((e) => e.step === 'forward');
		expect(forwards[0]).toMatchObject({
			iteration: 0,
			inputLength: enc.ids.length,
			sequenceLength: enc.ids.length,
			usedCache: false,
		});
		forwards.slice(1).forEach((f, i) =>
			expect(f).toMatchObject({
				iteration: i + 1,
				inputLength: 1,
				sequenceLength: enc.ids.length + i + 1,
				usedCache: true,
			}),
		);
		for (const f of forwards) expect(f.step === 'forward' && f.ms >= 0).toBe(true);

		for (const e of events) {
			if (e.step === 'last-logits') expect(e).toMatchObject({ vocabSize: 2048 });
			if (e.step === 'select') {
				expect(e.strategy).toBe('greedy');
				expect(e.candidates).toHaveLength(5);
				expect(e.chosen).toEqual(e.candidates[0]);
				for (let i = 1; i < e.candidates.length; i++)
					expect(e.candidates[i]!.logit).toBeLessThanOrEqual(e.candidates[i - 1]!.logit);
				const total = e.candidates.reduce((s, c) => s + c.prob, 0);
				expect(total).toBeGreaterThan(0);
				expect(total).toBeLessThanOrEqual(1 + 1e-9);
				expect(e.chosen.token).toBe(model.codec.token(e.chosen.id));
			}
			if (e.step === 'eos-check') expect(e.decision).toBe(e.isEos ? 'stop' : 'continue');
		}

		const done = doneOf(events);
		const appended = events.filter((e) => e.step === 'append').map((e) => (e.step === 'append' ? e.id : -1));
		expect(done.ids).toEqual([...enc.ids, ...appended]);
		expect(done.reason).toBe(stopEarly ? 'eos' : 'max_new');
		expect(done.generatedText).toBe(model.codec.decode(appended));
		expect(done.text).toBe(model.codec.decode(done.ids));
		expect(done.stats.newTokens).toBe(appended.length);
		expect(done.stats.perTokenMs).toHaveLength(appended.length);
		expect(done.stats.prefillMs).toBe(done.stats.perTokenMs[0]);
		expect(done.stats.timeToFirstTokenMs).toBeGreaterThan(0);
		expect(done.stats.tokensPerSecond).toBeGreaterThan(0);
		expect(done.stats.totalMs).toBeGreaterThanOrEqual(done.stats.prefillMs + done.stats.decodeMs);
	});

	it('greedy picks the argmax of a full forward pass (matches a direct session run)', async () => {
		const ids = model.codec.encode(PROMPT);
		const { lastLogits } = await model.lm.forward(ids, null);
		const expected = argmax(lastLogits);
		const events = await collect(generate(model, PROMPT, greedy(1, 'naive')));
		expect(doneOf(events).ids.at(-1)).toBe(expected);
	});

	it('naive and cached greedy produce the same tokens', async () => {
		const n = 24;
		for (const prompt of [PROMPT, 'And the LORD said unto Moses,']) {
			const naive = doneOf(await collect(generate(model, prompt, greedy(n, 'naive'))));
			const cached = doneOf(await collect(generate(model, prompt, greedy(n, 'cached'))));
			expect(cached.ids).toEqual(naive.ids);
			expect(cached.reason).toBe(naive.reason);
		}
	});

	it('naive mode feeds the whole sequence every step and never uses a cache', async () => {
		const events = await collect(generate(model, PROMPT, greedy(4, 'naive')));
		const promptLen = (events[0] as Extract<StepEvent, { step: 'encode' }>).ids.length;
		events
			.filter((e) => e.step === 'forward')
			.forEach((f, i) =>
				expect(f).toMatchObject({ inputLength: promptLen + i, sequenceLength: promptLen + i, usedCache: false }),
			);
	});

	it('seeded sampling reproduces exactly, and another seed differs', async () => {
		const s = (seed: number): GenerateSettings => ({
			maxNewTokens: 20,
			mode: 'cached',
			sampling: { strategy: 'sample', temperature: 1.5, topK: 0, topP: 1, seed },
		});
		const a = doneOf(await collect(generate(model, PROMPT, s(7))));
		const b = doneOf(await collect(generate(model, PROMPT, s(7))));
		expect(b.ids).toEqual(a.ids);
		const c = doneOf(await collect(generate(model, PROMPT, { ...s(7), mode: 'naive' })));
		expect(c.ids).toEqual(a.ids);
		const others = await Promise.all(
			[8, 9, 10].map(async (seed) => doneOf(await collect(generate(model, PROMPT, s(seed)))).ids),
		);
		expect(others.some((ids) => ids.join() !== a.ids.join())).toBe(true);
	});

	it('an empty prompt starts from the BOS/EOS token', async () => {
		const events = await collect(generate(model, '', greedy(2)));
		const enc = events[0]!;
		expect(enc).toMatchObject({ step: 'encode', ids: [2047], startedFromBos: true, tokens: ['<|endoftext|>'] });
		expect(enc.step === 'encode' && enc.notices.length).toBe(1);
		expect(doneOf(events).ids[0]).toBe(2047);
	});

	it('a prompt longer than the context is truncated from the left with a notice', async () => {
		const long = 'And God said, Let there be light: and there was light. '.repeat(40);
		const all = model.codec.encode(long);
		expect(all.length).toBeGreaterThan(256);
		const events = await collect(generate(model, long, greedy(5)));
		const enc = events[0]!;
		if (enc.step !== 'encode') throw new Error('no encode');
		expect(enc.ids).toEqual(all.slice(all.length - 255));
		expect(enc.truncated).toEqual({ droppedTokens: all.length - 255, contextSize: 256 });
		expect(enc.notices.join(' ')).toMatch(/dropped/);
		const done = doneOf(events);
		// One token fits; then the context is full.
		expect(done.ids).toHaveLength(256);
		expect(done.reason === 'context-full' || done.reason === 'eos').toBe(true);
	});

	it('stops with context-full when the sequence reaches n_positions', async () => {
		const prompt = 'And God said, Let there be light: and there was light. '.repeat(40);
		const ids = model.codec.encode(prompt).slice(-250);
		const text = model.codec.decode(ids);
		const reencoded = model.codec.encode(text);
		const events = await collect(generate(model, text, greedy(50)));
		const done = doneOf(events);
		if (done.reason !== 'eos') {
			expect(done.reason).toBe('context-full');
			expect(done.ids).toHaveLength(256);
			expect(done.stats.newTokens).toBe(256 - reencoded.length);
		}
	});

	it('stop ends the run with a done event, reason stopped, within one forward pass', async () => {
		const control: RunControl = { stopRequested: false };
		const gen = generate(model, PROMPT, greedy(50), control);
		const seen: StepEvent[] = [];
		for await (const e of gen) {
			seen.push(e);
			if (e.step === 'select' && e.iteration === 1) control.stopRequested = true;
		}
		const done = doneOf(seen);
		expect(done.reason).toBe('stopped');
		expect(seen.filter((e) => e.step === 'forward')).toHaveLength(2);
		expect(seen.at(-2)!.step).toBe('select');

		// Stop requested while a forward pass runs: that pass's result is dropped.
		const c2: RunControl = { stopRequested: false };
		const g2 = generate(model, PROMPT, greedy(50), c2);
		const first = await g2.next(); // encode
		expect(first.value?.step).toBe('encode');
		const pending = g2.next(); // starts the forward pass
		c2.stopRequested = true;
		const next = await pending;
		expect(next.value?.step).toBe('done');
		expect((next.value as DoneEvent).reason).toBe('stopped');
		expect((await g2.next()).done).toBe(true);
	});

	it('rejects bad settings with a clear error naming the field', async () => {
		const bad = async (settings: unknown, field: RegExp) => {
			const p = collect(generate(model, PROMPT, settings as GenerateSettings));
			await expect(p).rejects.toMatchObject({
				name: 'RuntimeError',
				kind: 'bad-settings',
				message: expect.stringMatching(field),
			});
		};
		await bad({ ...greedy(3), temprature: 1 }, /"temprature".*unknown/);
		await bad({ ...greedy(3), maxNewTokens: 0 }, /"maxNewTokens"/);
		await bad({ ...greedy(3), maxNewTokens: 257 }, /"maxNewTokens"/);
		await bad({ ...greedy(3), maxNewTokens: Number.NaN }, /"maxNewTokens"/);
		await bad({ ...greedy(3), mode: 'fast' }, /"mode"/);
		await bad({ ...greedy(3), sampling: { strategy: 'beam' } }, /"sampling.strategy"/);
		await bad(
			{ ...greedy(3), sampling: { strategy: 'sample', temperature: 0, topK: 0, topP: 1, seed: 1 } },
			/"sampling.temperature"/,
		);
		await bad(
			{ ...greedy(3), sampling: { strategy: 'sample', temperature: 1, topK: -1, topP: 1, seed: 1 } },
			/"sampling.topK"/,
		);
		await bad(
			{ ...greedy(3), sampling: { strategy: 'sample', temperature: 1, topK: 0, topP: 0, seed: 1 } },
			/"sampling.topP"/,
		);
		await bad(
			{ ...greedy(3), sampling: { strategy: 'sample', temperature: 1, topK: 0, topP: 1.5, seed: 1 } },
			/"sampling.topP"/,
		);
		await bad(
			{ ...greedy(3), sampling: { strategy: 'sample', temperature: 1, topK: 0, topP: 1, seed: -3 } },
			/"sampling.seed"/,
		);
		await bad({ ...greedy(3), sampling: { strategy: 'greedy', topq: 1 } }, /"sampling.topq"/);
		await bad(null, /"settings"/);
	});
});
