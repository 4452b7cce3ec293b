/**
 * Events of the `batched` loop (lesson 5): B prompts of different lengths run
 * as B rows of one forward pass per step. Plain data, like every event.
 *
 *   def generate_batch(model, tokenizer, prompts, max_new):
 *       rows = [tokenizer.encode(p) for p in prompts]     -> 'encode'
 *       batch, mask = left_pad(rows)                      -> 'pad'
 *       while any(active):
 *           logits = model.forward(batch, mask)           -> 'forward'
 *           next_ids = select(logits[:, -1])              -> 'select'
 *           append(batch, next_ids, active)               -> 'append'
 *           active &= not stop(rows)   # eos, max_new     -> 'stop-check'
 *       return [tokenizer.decode(r) for r in rows]        -> 'done'
 */

import type { Candidate, EncodeEvent, EventBase, Sampling, StopReason } from '../events';

/** A prompt, or a prompt with its own output limit (rows may differ). */
export type BatchedRequest = string | { prompt: string; maxNewTokens?: number };
export type BatchedInput = readonly BatchedRequest[];

export type RowEncoding = Omit<EncodeEvent, 'step' | 'index' | 'iteration'>;

export interface BatchedEncodeEvent extends EventBase {
	step: 'encode';
	rows: RowEncoding[];
}

export interface BatchedPadEvent extends EventBase {
	step: 'pad';
	/** B. */
	rows: number;
	/** Columns of the padded batch: the longest prompt. */
	width: number;
	/** Pad tokens added on the left of each row. */
	padding: number[];
	paddingTokens: number;
}

export interface BatchedForwardEvent extends EventBase {
	step: 'forward';
	/** B: every row is in every pass, finished ones as masked padding (static batching). */
	rows: number;
	/** Rows still generating. */
	activeRows: number;
	/** Columns fed per row in this pass. */
	inputLength: number;
	/** Columns attended over (fed + cached), padding included. */
	sequenceLength: number;
	usedCache: boolean;
	/** Pad tokens fed in this pass, over all rows. */
	paddingTokens: number;
	/** Bytes of the KV cache's live tensors after the pass; 0 in naive mode. */
	kvBytes: number;
	ms: number;
}

export interface RowSelection {
	row: number;
	chosen: Candidate;
	candidates: Candidate[];
}

export interface BatchedSelectEvent extends EventBase {
	step: 'select';
	strategy: Sampling['strategy'];
	/** Active rows only. */
	rows: RowSelection[];
}

export interface RowAppend {
	row: number;
	id: number;
	token: string;
	/** The row's real tokens after the append. */
	length: number;
	generatedText: string;
}

export interface BatchedAppendEvent extends EventBase {
	step: 'append';
	rows: RowAppend[];
}

export interface RowStopCheck {
	row: number;
	id: number;
	isEos: boolean;
	/** Why this row stops now, or null if it goes on. */
	reason: StopReason | null;
}

export interface BatchedStopCheckEvent extends EventBase {
	step: 'stop-check';
	rows: RowStopCheck[];
	/** Rows still generating after this check. */
	active: number[];
}

export interface BatchedRowResult {
	row: number;
	reason: StopReason;
	ids: number[];
	promptLength: number;
	text: string;
	generatedText: string;
	newTokens: number;
	/** Busy time from the run's start to this row's last token, ms. */
	finishedAtMs: number;
}

export interface BatchedStats {
	rows: number;
	forwardPasses: number;
	/** Each pass's wall time, ms. */
	perStepMs: number[];
	timeToFirstTokenMs: number;
	totalMs: number;
	/** New tokens over all rows. */
	newTokens: number;
	/** All rows together: newTokens / totalMs. */
	tokensPerSecond: number;
	/** What one user sees: each row's tokens over the time to its last token, averaged over rows. */
	perRowTokensPerSecond: number;
	/** Pad tokens fed over all passes (the batch's wasted columns). */
	paddingTokens: number;
	/** The KV cache's live bytes at the end; 0 in naive mode. */
	kvBytes: number;
}

export interface BatchedDoneEvent extends EventBase {
	step: 'done';
	/** 'stopped' if the reader stopped; otherwise the last row's reason. */
	reason: StopReason;
	rows: BatchedRowResult[];
	stats: BatchedStats;
}

export type BatchedEvent =
	| BatchedEncodeEvent
	| BatchedPadEvent
	| BatchedForwardEvent
	| BatchedSelectEvent
	| BatchedAppendEvent
	| BatchedStopCheckEvent
	| BatchedDoneEvent;
