/**
 * Events of the `stream` loop (lessons 2 and 3): cached generation whose
 * events keep apart the one parallel pass over the prompt (prefill) and the
 * one-token passes after it (decode), and time both.
 *
 *   def stream(model, tokenizer, prompt, max_new):
 *       ids = tokenizer.encode(prompt)                     -> 'encode'
 *       logits = model.forward(ids, cache)    # prefill    -> 'prefill'
 *       while True:
 *           next_id = select(logits[-1])                   -> 'select'
 *           ids.append(next_id); send(next_id)             -> 'token'
 *           if next_id == eos or len(ids) == limit: break  -> 'stop-check'
 *           logits = model.forward([next_id], cache)  # decode -> 'decode'
 *       return tokenizer.decode(ids)                       -> 'done'
 *
 * Iteration k is the pass that produces token k: 'prefill' opens iteration 0,
 * 'decode' every later one.
 */

import type { EncodeEvent, EventBase, GenerateSettings, SelectEvent, StopReason } from '../events';

/**
 * Always cached: there is no naive stream. `ignoreEos` keeps generating past the stop token, as
 * benchmarks do (vLLM's `ignore_eos`), so a timed run makes exactly `maxNewTokens` tokens.
 */
export type StreamSettings = Omit<GenerateSettings, 'mode'> & { mode?: 'cached'; ignoreEos?: boolean };

export interface PrefillEvent extends EventBase {
	step: 'prefill';
	/** Prompt tokens processed in this one pass. */
	promptTokens: number;
	ms: number;
	tokensPerSecond: number;
	/** Bytes of the KV cache's live tensors after the pass. */
	kvBytes: number;
}

export interface TokenEvent extends EventBase {
	step: 'token';
	id: number;
	token: string;
	/** Sequence length after the append. */
	length: number;
	generatedText: string;
	/** Busy time from the run's start until this token existed, ms; for token 0 this is the TTFT. */
	atMs: number;
}

export interface StreamStopCheckEvent extends EventBase {
	step: 'stop-check';
	id: number;
	/** Why the run stops here, or null if it decodes another token. */
	reason: StopReason | null;
	decision: 'stop' | 'continue';
}

export interface DecodeEvent extends EventBase {
	step: 'decode';
	/** Position of the one token fed. */
	position: number;
	/** Tokens attended over (cached + the new one). */
	sequenceLength: number;
	ms: number;
	kvBytes: number;
}

export interface StreamStats {
	promptTokens: number;
	newTokens: number;
	/** Run start to token 0: encode + prefill + the first select, ms. */
	timeToFirstTokenMs: number;
	/** (total − TTFT) / (new tokens − 1); 0 with one token. */
	timePerOutputTokenMs: number;
	totalMs: number;
	prefillMs: number;
	/** Each decode pass's wall time, ms. */
	decodeStepMs: number[];
	prefillTokensPerSecond: number;
	decodeTokensPerSecond: number;
}

export interface StreamDoneEvent extends EventBase {
	step: 'done';
	reason: StopReason;
	ids: number[];
	text: string;
	generatedText: string;
	stats: StreamStats;
}

export type StreamEvent =
	EncodeEvent | PrefillEvent | SelectEvent | TokenEvent | StreamStopCheckEvent | DecodeEvent | StreamDoneEvent;
