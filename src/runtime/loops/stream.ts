/**
 * Lessons 2 and 3's loop: cached generation as a server streams it (see the
 * listing in stream-events.ts). Prefill and decode are separate lines because
 * they cost differently: one parallel pass over the prompt, then one pass per
 * output token. TTFT and time per output token come from the loop's own clock.
 */

import { RuntimeError } from '../errors';
import type { Candidate, StopReason } from '../events';
import { Sampler } from '../sampling';
import { validateSettings } from '../settings';
import { contextFull, eosToken, maxNewTokens, stopWhen, type RunControl } from '../stopping';
import { emitter, stoppedBy, type Unindexed } from './emit';
import { checkPrompt, encode } from './encode';
import { timedSelect } from './select';
import type { LoopDefinition, LoopModel } from './types';
import type { StreamDoneEvent, StreamEvent, StreamSettings } from './stream-events';

export async function* stream(
	model: LoopModel,
	prompt: string,
	rawSettings: StreamSettings,
	control: RunControl = { stopRequested: false },
): AsyncGenerator<StreamEvent, void, undefined> {
	const { lm, codec, config } = model;
	checkPrompt(prompt);
	const { ignoreEos, generation } = splitIgnoreEos(rawSettings);
	const settings = validateSettings(cachedOnly(generation), config.contextSize, config.vocabSize);
	const { sampling } = settings;
	const sampler = new Sampler(config.vocabSize, sampling, settings.topCandidates);
	const { emit, busyMs, finish, last } = emitter<StreamEvent>(control);
	const withToken = (c: Omit<Candidate, 'token'>): Candidate => ({ ...c, token: codec.token(c.id) });
	const mustStop = stopWhen(
		...(ignoreEos ? [] : [eosToken(config.eosId)]),
		maxNewTokens(settings.maxNewTokens),
		contextFull(config.contextSize),
	);
	const rate = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : 0);

	// ids = tokenizer.encode(prompt)
	const encoded = encode(codec, prompt, config.contextSize, config.eosId);
	const ids = encoded.ids.slice();
	const seq = { ids, promptLength: ids.length };
	const cache = lm.newCache();
	const decodeStepMs: number[] = [];
	const generated = codec.stream();
	let prefillMs = 0;
	let timeToFirstTokenMs = 0;
	let reason: StopReason | null = null;
	let iteration = -1;
	try {
		yield* emit({ step: 'encode', iteration: -1, ...encoded });

		// logits = model.forward(ids, cache)  # prefill
		iteration = 0;
		let pass = await lm.forward(ids, cache);
		prefillMs = pass.ms;
		const promptTokens = ids.length;
		yield* emit({
			step: 'prefill',
			iteration,
			promptTokens,
			ms: pass.ms,
			tokensPerSecond: rate(promptTokens, pass.ms),
			kvBytes: cache.bytes,
		});

		for (;;) {
			// next_id = select(logits[-1])
			const { sel, ...timed } = timedSelect(sampler, pass.lastLogits, settings.reportLogits);
			const chosen = withToken({ id: sel.id, prob: sel.prob, logit: sel.logit });
			yield* emit({
				step: 'select',
				iteration,
				strategy: sampling.strategy,
				candidates: sel.candidates.map(withToken),
				chosen,
				...timed,
			});

			// ids.append(next_id); send(next_id)
			ids.push(sel.id);
			const atMs = busyMs();
			if (iteration === 0) timeToFirstTokenMs = atMs;
			const generatedText = generated.push(sel.id);
			yield* emit({
				step: 'token',
				iteration,
				id: sel.id,
				token: chosen.token,
				length: ids.length,
				generatedText,
				atMs,
			});

			// if next_id == eos or len(ids) == limit: break
			reason = mustStop(seq);
			yield* emit({ step: 'stop-check', iteration, id: sel.id, reason, decision: reason ? 'stop' : 'continue' });
			if (reason) break;

			// logits = model.forward([next_id], cache)  # decode
			iteration++;
			pass = await lm.forward([sel.id], cache);
			decodeStepMs.push(pass.ms);
			yield* emit({
				step: 'decode',
				iteration,
				position: ids.length - 1,
				sequenceLength: ids.length,
				ms: pass.ms,
				kvBytes: cache.bytes,
			});
		}
	} catch (err) {
		const stopped = stoppedBy(err);
		reason ??= stopped;
	}

	// return tokenizer.decode(ids)
	const totalMs = finish();
	const newTokens = ids.length - seq.promptLength;
	const decodeMs = decodeStepMs.reduce((a, b) => a + b, 0);
	const done: Unindexed<StreamDoneEvent> = {
		step: 'done',
		iteration,
		reason: reason ?? 'stopped',
		ids,
		text: codec.decode(ids),
		generatedText: codec.decode(ids.slice(seq.promptLength)),
		stats: {
			promptTokens: seq.promptLength,
			newTokens,
			timeToFirstTokenMs,
			timePerOutputTokenMs: newTokens > 1 ? (totalMs - timeToFirstTokenMs) / (newTokens - 1) : 0,
			totalMs,
			prefillMs,
			decodeStepMs,
			prefillTokensPerSecond: rate(seq.promptLength, prefillMs),
			decodeTokensPerSecond: rate(decodeStepMs.length, decodeMs),
		},
	};
	yield last(done);
}

export const streamLoop: LoopDefinition = {
	start: (model, input, settings, control) => stream(model, input as string, settings as StreamSettings, control),
	endsIteration: new Set(['encode', 'stop-check']),
};

/** `ignoreEos` belongs to this loop alone, so it is taken out before the shared settings check. */
function splitIgnoreEos(raw: unknown): { ignoreEos: boolean; generation: unknown } {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || !('ignoreEos' in raw)) {
		return { ignoreEos: false, generation: raw };
	}
	const { ignoreEos, ...generation } = raw as { ignoreEos?: unknown };
	if (ignoreEos !== undefined && typeof ignoreEos !== 'boolean') {
		throw new RuntimeError(
			'bad-settings',
			`Invalid setting "ignoreEos": expected true or false (or leave it out), got ${JSON.stringify(ignoreEos)}`,
			{ field: 'ignoreEos' },
		);
	}
	return { ignoreEos: ignoreEos === true, generation };
}

/** The stream loop has no naive mode; a settings object without `mode` means cached. */
function cachedOnly(raw: unknown): unknown {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
	const mode = (raw as { mode?: unknown }).mode;
	if (mode !== undefined && mode !== 'cached') {
		throw new RuntimeError(
			'bad-settings',
			`Invalid setting "mode": the stream loop always uses the KV cache, got ${JSON.stringify(mode)}`,
			{ field: 'mode' },
		);
	}
	return { ...raw, mode: 'cached' };
}
