/**
 * Events of the `continuous` loop (lesson 6): a queue of requests served by S
 * slots, scheduled every iteration, with KV memory handed out in blocks.
 *
 *   def serve(queue, slots):
 *       rows = [tokenizer.encode(r.prompt) for r in queue]     -> 'encode'
 *       while queue or running:
 *           logits = model.forward(running, cache)  # decode   -> 'forward'
 *           admit(queue -> free slots)              # prefill  -> 'admit'
 *           next_ids = select(logits)                          -> 'select'
 *           append(next_ids)                # may take a block -> 'append'
 *           retire(finished)         # frees slots and blocks  -> 'retire'
 *       return results                                         -> 'done'
 *
 * `policy: 'static'` admits only into an empty batch (every slot free), so a
 * finished request's slot idles until the whole batch is done.
 */

import type { Candidate, EventBase, Sampling, StopReason } from '../events';
import type { RowEncoding } from './batched-events';

export interface ContinuousRequest {
	prompt: string;
	maxNewTokens: number;
}

export interface ContinuousInput {
	requests: readonly ContinuousRequest[];
}

export interface ContinuousSettings {
	/** Rows the batch may hold at once (S). */
	slots: number;
	policy?: 'continuous' | 'static';
	sampling: Sampling;
	topCandidates?: number;
	/** KV memory in blocks; default: enough for every slot at full context (no pressure). */
	kvBlocks?: number;
	/** Tokens per KV block (default 16, as vLLM). */
	blockSize?: number;
}

/** Why a request ended: a loop reason, or 'kv-full' when it alone needs more blocks than exist. */
export type RequestEnd = StopReason | 'kv-full';

export interface BlockTable {
	blockSize: number;
	totalBlocks: number;
	usedBlocks: number;
	tables: Array<{ request: number; blocks: number[]; tokens: number }>;
	/** Allocated token slots not holding a token: at most one partial block per request. */
	pagedWasteSlots: number;
	/** What reserving prompt + maxNewTokens per running request up front would leave unused now. */
	contiguousWasteSlots: number;
}

export interface ContinuousEncodeEvent extends EventBase {
	step: 'encode';
	requests: RowEncoding[];
}

export interface ContinuousForwardEvent extends EventBase {
	step: 'forward';
	/** Rows decoded in this pass; 0 when nothing was running yet (no pass). */
	rows: number;
	slots: number;
	ms: number;
	kvBytes: number;
}

export interface Admission {
	request: number;
	slot: number;
	/** Tokens prefilled: the prompt, or everything so far for a preempted request coming back. */
	prefillTokens: number;
	prefillMs: number;
	resumed: boolean;
}

export interface ContinuousAdmitEvent extends EventBase {
	step: 'admit';
	admitted: Admission[];
	/** Requests still queued, in order. */
	waiting: number[];
	/** Why the queue's head was not admitted: no free slot, too few free KV blocks, or the static policy. */
	blockedBy: 'slots' | 'blocks' | 'static-batch' | null;
	/** Requests that can never fit in KV memory, ended here. */
	rejected: number[];
}

export interface ContinuousSelectEvent extends EventBase {
	step: 'select';
	strategy: Sampling['strategy'];
	rows: Array<{ request: number; slot: number; chosen: Candidate; candidates: Candidate[] }>;
}

export interface ContinuousAppendEvent extends EventBase {
	step: 'append';
	rows: Array<{ request: number; slot: number; id: number; token: string; length: number; generatedText: string }>;
	/** Blocks taken this step as sequences crossed a block boundary. */
	allocated: Array<{ request: number; block: number }>;
	/** Requests evicted to free blocks (their KV is recomputed when they come back). */
	preempted: Array<{ request: number; freedBlocks: number[] }>;
}

export interface ContinuousRetireEvent extends EventBase {
	step: 'retire';
	checks: Array<{ request: number; slot: number; reason: RequestEnd | null }>;
	retired: Array<{ request: number; slot: number; reason: RequestEnd; freedBlocks: number[] }>;
	/** Slot → request after this iteration (null: free). */
	slots: Array<number | null>;
	blocks: BlockTable;
}

export interface RequestResult {
	request: number;
	reason: RequestEnd;
	ids: number[];
	promptLength: number;
	generatedText: string;
	newTokens: number;
	/** Busy time from the run's start (when every request was queued) to its first token, ms. */
	timeToFirstTokenMs: number;
	finishedAtMs: number;
	preemptions: number;
}

export interface ContinuousStats {
	policy: 'continuous' | 'static';
	slots: number;
	iterations: number;
	/** Run start to the last request's end, ms. */
	makespanMs: number;
	/** Busy slot-iterations over slots × iterations. */
	slotUtilization: number;
	newTokens: number;
	tokensPerSecond: number;
	peakBlocksUsed: number;
	peakPagedWasteSlots: number;
	peakContiguousWasteSlots: number;
	preemptions: number;
}

export interface ContinuousDoneEvent extends EventBase {
	step: 'done';
	reason: 'finished' | 'stopped';
	requests: RequestResult[];
	stats: ContinuousStats;
}

export type ContinuousEvent =
	| ContinuousEncodeEvent
	| ContinuousForwardEvent
	| ContinuousAdmitEvent
	| ContinuousSelectEvent
	| ContinuousAppendEvent
	| ContinuousRetireEvent
	| ContinuousDoneEvent;
