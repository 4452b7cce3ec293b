/**
 * Lesson 1's autoregressive loop, naive or cached, written to read like its
 * pseudo-code (see events.ts) and yielding one event per line of it.
 *
 * It is a pull-based async generator: nothing is computed until the consumer
 * asks for the next event, which is what makes pause and single-step real
 * (a paused run holds no CPU) rather than a display trick.
 */

import type { Candidate, DoneEvent, GenerateSettings, StepEvent, StopReason } from '../events';
import { Sampler } from '../sampling';
import { validateSettings } from '../settings';
import { contextFull, eosToken, maxNewTokens, stopWhen, type RunControl } from '../stopping';
import { emitter, stoppedBy, type Unindexed } from './emit';
import { checkPrompt, encode } from './encode';
import { timedSelect } from './select';
import type { LoopDefinition, LoopModel } from './types';

export type { LoopModel } from './types';

export async function* generate(
	model: LoopModel,
	prompt: string,
	rawSettings: GenerateSettings,
	control: RunControl = { stopRequested: false },
): AsyncGenerator<StepEvent, void, undefined> {
	const { lm, codec, config } = model;
	checkPrompt(prompt);
	const settings = validateSettings(rawSettings, config.contextSize, config.vocabSize);
	const { mode, sampling } = settings;
	const sampler = new Sampler(config.vocabSize, sampling, settings.topCandidates);
	const { emit, busyMs, finish, last } = emitter<StepEvent>(control);
	const withToken = (c: Omit<Candidate, 'token'>): Candidate => ({ ...c, token: codec.token(c.id) });
	const cannotContinue = stopWhen(maxNewTokens(settings.maxNewTokens), contextFull(config.contextSize));
	const isEos = eosToken(config.eosId);

	// ids = tokenizer.encode(prompt)
	const encoded = encode(codec, prompt, config.contextSize, config.eosId);
	const ids = encoded.ids.slice();
	const seq = { ids, promptLength: ids.length };
	const cache = mode === 'cached' ? lm.newCache() : null;
	const perTokenMs: number[] = [];
	const generated = codec.stream();
	let timeToFirstTokenMs = 0;
	let reason: StopReason | null = null;
	let iteration = -1;
	try {
		yield* emit({ step: 'encode', iteration: -1, ...encoded });

		// for _ in range(max_new):
		for (let i = 0; !(reason = cannotContinue(seq)); i++) {
			iteration = i;

			// logits = model.forward(ids): naive feeds the whole sequence, cached only what the cache lacks.
			const fed = cache ? ids.slice(cache.length) : ids;
			const { lastLogits, ms } = await lm.forward(fed, cache);
			perTokenMs.push(ms);
			const usedCache = cache !== null && cache.length > fed.length;
			yield* emit({
				step: 'forward',
				iteration: i,
				inputLength: fed.length,
				sequenceLength: ids.length,
				usedCache,
				ms,
			});

			// next_logits = logits[-1]
			yield* emit({ step: 'last-logits', iteration: i, position: ids.length - 1, vocabSize: config.vocabSize });

			// next_id = select(next_logits)
			const { sel, ...timed } = timedSelect(sampler, lastLogits, settings.reportLogits);
			const chosen = withToken({ id: sel.id, prob: sel.prob, logit: sel.logit });
			yield* emit({
				step: 'select',
				iteration: i,
				strategy: sampling.strategy,
				candidates: sel.candidates.map(withToken),
				chosen,
				...timed,
			});

			// ids.append(next_id)
			ids.push(sel.id);
			if (i === 0) timeToFirstTokenMs = busyMs();
			const generatedText = generated.push(sel.id);
			yield* emit({ step: 'append', iteration: i, id: sel.id, token: chosen.token, length: ids.length, generatedText });

			// if next_id == eos: break
			reason = isEos(seq);
			yield* emit({
				step: 'eos-check',
				iteration: i,
				id: sel.id,
				isEos: reason === 'eos',
				decision: reason ? 'stop' : 'continue',
			});
			if (reason) break;
		}
	} catch (err) {
		const stopped = stoppedBy(err);
		// The reader's stop can land on the eos-check of the last token: the model's own reason stands.
		reason ??= stopped;
	}

	// return tokenizer.decode(ids)
	const totalMs = finish();
	const newTokens = ids.length - seq.promptLength;
	const done: Unindexed<DoneEvent> = {
		step: 'done',
		iteration,
		reason: reason ?? 'stopped',
		ids,
		text: codec.decode(ids),
		generatedText: codec.decode(ids.slice(seq.promptLength)),
		stats: {
			timeToFirstTokenMs,
			perTokenMs,
			tokensPerSecond: totalMs > 0 ? (newTokens * 1000) / totalMs : 0,
			prefillMs: perTokenMs[0] ?? 0,
			decodeMs: perTokenMs.slice(1).reduce((a, b) => a + b, 0),
			totalMs,
			newTokens,
		},
	};
	yield last(done);
}

export const generateLoop: LoopDefinition = {
	start: (model, input, settings, control) => generate(model, input as string, settings as GenerateSettings, control),
	endsIteration: new Set(['encode', 'eos-check']),
};
