/**
 * The autoregressive loop, written to read like the lesson's pseudo-code
 * (see events.ts), yielding one event per line of it.
 *
 * It is a pull-based async generator: nothing is computed until the consumer
 * asks for the next event, which is what makes pause and single-step real
 * (a paused run holds no CPU) rather than a display trick.
 */

import { RuntimeError } from './errors';
import type {
  Candidate,
  DoneEvent,
  EncodeEvent,
  GenerateSettings,
  RunStats,
  StepEvent,
  StopReason,
} from './events';
import type { LoadedModel } from './loader';
import type { KVCache } from './kv-cache';
import { Sampler, type Selection } from './sampling';
import { validateSettings } from './settings';

/** Shared between the loop and whoever controls it. */
export interface RunControl {
  /** Set to end the run: it stops at the next event boundary or when the current forward pass returns. */
  stopRequested: boolean;
}

const now = () => performance.now();

export async function* generate(
  model: Pick<LoadedModel, 'lm' | 'codec' | 'config'>,
  prompt: string,
  rawSettings: GenerateSettings,
  control: RunControl = { stopRequested: false },
): AsyncGenerator<StepEvent, void, undefined> {
  const { lm, codec, config } = model;
  if (typeof prompt !== 'string') {
    throw new RuntimeError('bad-settings', `Invalid prompt: expected a string, got ${prompt === null ? 'null' : typeof prompt}`, { field: 'prompt' });
  }
  const settings = validateSettings(rawSettings, config.contextSize, config.vocabSize);
  const { maxNewTokens, mode, sampling } = settings;
  const sampler = new Sampler(config.vocabSize, sampling, settings.topCandidates);

  // Busy time only: the generator is suspended while the consumer is paused,
  // and that time must not count as the model being slow.
  let busy = 0;
  let since = now();
  const suspend = () => (busy += now() - since);
  const resume = () => (since = now());

  let index = 0;
  const candidate = (c: Omit<Candidate, 'token'>): Candidate => ({ ...c, token: codec.token(c.id) });

  // ids = tokenizer.encode(prompt)
  const encoded = encode(codec, prompt, config.contextSize, config.eosId);
  const ids = encoded.ids.slice();
  const promptLength = ids.length;
  suspend();
  yield { step: 'encode', index: index++, iteration: -1, ...encoded };
  resume();

  const cache: KVCache | null = mode === 'cached' ? lm.newCache() : null;
  const perTokenMs: number[] = [];
  let timeToFirstTokenMs = 0;
  let reason: StopReason = 'max_new';
  let iteration = -1;

  loop: for (let i = 0; i < maxNewTokens; i++) {
    if (control.stopRequested) {
      reason = 'stopped';
      break;
    }
    if (ids.length >= config.contextSize) {
      reason = 'context-full';
      break;
    }
    iteration = i;

    // logits = model.forward(ids): naive feeds the whole sequence, cached only what the cache lacks.
    const fed = cache ? ids.slice(cache.length) : ids;
    const { lastLogits, ms } = await lm.forward(fed, cache);
    perTokenMs.push(ms);
    if (control.stopRequested) {
      reason = 'stopped';
      break;
    }
    suspend();
    yield {
      step: 'forward',
      index: index++,
      iteration: i,
      inputLength: fed.length,
      sequenceLength: ids.length,
      usedCache: cache !== null && cache.length > fed.length,
      ms,
    };
    resume();
    if (control.stopRequested) {
      reason = 'stopped';
      break loop;
    }

    // next_logits = logits[-1]
    suspend();
    yield { step: 'last-logits', index: index++, iteration: i, position: ids.length - 1, vocabSize: config.vocabSize };
    resume();
    if (control.stopRequested) {
      reason = 'stopped';
      break loop;
    }

    // next_id = select(next_logits)
    const sel: Selection = sampler.select(lastLogits);
    const chosen = candidate({ id: sel.id, prob: sel.prob, logit: sel.logit });
    suspend();
    yield {
      step: 'select',
      index: index++,
      iteration: i,
      strategy: sampling.strategy,
      candidates: sel.candidates.map(candidate),
      chosen,
    };
    resume();
    if (control.stopRequested) {
      reason = 'stopped';
      break loop;
    }

    // ids.append(next_id)
    ids.push(sel.id);
    if (i === 0) timeToFirstTokenMs = busy + (now() - since);
    suspend();
    yield {
      step: 'append',
      index: index++,
      iteration: i,
      id: sel.id,
      token: chosen.token,
      length: ids.length,
      generatedText: codec.decode(ids.slice(promptLength)),
    };
    resume();
    if (control.stopRequested) {
      reason = 'stopped';
      break loop;
    }

    // if next_id == eos: break
    const isEos = sel.id === config.eosId;
    suspend();
    yield { step: 'eos-check', index: index++, iteration: i, id: sel.id, isEos, decision: isEos ? 'stop' : 'continue' };
    resume();
    if (isEos) {
      reason = 'eos';
      break;
    }
  }

  suspend();
  const newTokens = ids.length - promptLength;
  const stats: RunStats = {
    timeToFirstTokenMs,
    perTokenMs,
    tokensPerSecond: busy > 0 ? (newTokens * 1000) / busy : 0,
    prefillMs: perTokenMs[0] ?? 0,
    decodeMs: perTokenMs.slice(1).reduce((a, b) => a + b, 0),
    totalMs: busy,
    newTokens,
  };
  const done: DoneEvent = {
    step: 'done',
    index: index++,
    iteration,
    reason,
    ids,
    text: codec.decode(ids),
    generatedText: codec.decode(ids.slice(promptLength)),
    stats,
  };
  yield done;
}

/**
 * The 'encode' step, including its two edge cases: a prompt longer than the
 * context keeps its end (room is left for one new token), and an empty prompt
 * starts from the BOS/EOS token, as GPT-2 was trained to.
 */
export function encode(
  codec: Pick<LoadedModel['codec'], 'encode' | 'token'>,
  prompt: string,
  contextSize: number,
  bosId: number,
): Omit<EncodeEvent, 'step' | 'index' | 'iteration'> {
  let ids = codec.encode(prompt);
  const notices: string[] = [];
  let truncated: EncodeEvent['truncated'];
  let startedFromBos = false;
  if (ids.length === 0) {
    ids = [bosId];
    startedFromBos = true;
    notices.push('The prompt is empty, so generation starts from the <|endoftext|> token.');
  } else if (ids.length > contextSize - 1) {
    const keep = contextSize - 1;
    const dropped = ids.length - keep;
    ids = ids.slice(dropped);
    truncated = { droppedTokens: dropped, contextSize };
    notices.push(
      `The prompt is ${keep + dropped} tokens but the model sees at most ${contextSize}; its first ${dropped} tokens were dropped so one new token fits.`,
    );
  }
  const out: Omit<EncodeEvent, 'step' | 'index' | 'iteration'> = {
    ids,
    tokens: ids.map((id) => codec.token(id)),
    startedFromBos,
    notices,
  };
  if (truncated) out.truncated = truncated;
  return out;
}
