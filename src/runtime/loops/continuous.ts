/**
 * Lesson 6's loop: a scheduler over S slots (see the listing in
 * continuous-events.ts). Every iteration it decodes the running rows as one
 * batch, admits queued requests into free slots (each prefilled on its own,
 * then joining the batch's KV cache as a row), and retires finished rows at
 * once, so a short request never holds a slot a waiting one could use.
 *
 * KV memory is booked in blocks (block-allocator.ts). A request is admitted
 * only when its prompt and first token fit; when a running request needs a
 * block and none is free, the most recently admitted request is preempted:
 * its blocks are freed and it goes back to the head of the queue, to be
 * recomputed (prefilled again over everything it has) when it returns, as vLLM does.
 *
 * Sampled requests use seed + request index, like the batched loop's rows.
 */

import { BlockAllocator, contiguousWaste } from '../block-allocator';
import type { Candidate } from '../events';
import { Sampler } from '../sampling';
import { contextFull, eosToken, maxNewTokens, stopWhen, type RunControl } from '../stopping';
import { checkContinuous } from './continuous-input';
import type {
	Admission,
	BlockTable,
	ContinuousAppendEvent,
	ContinuousDoneEvent,
	ContinuousEvent,
	ContinuousInput,
	ContinuousSettings,
	RequestEnd,
	RequestResult,
} from './continuous-events';
import { emitter, stoppedBy, type Unindexed } from './emit';
import { encode } from './encode';
import { rowSampling } from './batched';
import type { LoopDefinition, LoopModel } from './types';

interface Seq {
	request: number;
	ids: number[];
	promptLength: number;
	maxNewTokens: number;
	/** What a contiguous cache would reserve for it: prompt + limit, within the context. */
	reserved: number;
	firstTokenMs: number;
	preemptions: number;
}

interface Running {
	seq: Seq;
	slot: number;
	/** Next-token logits: from this iteration's decode pass, or from the prefill that admitted it. */
	logits: Float32Array | null;
	/** Set when it alone needs more KV blocks than exist. */
	end?: RequestEnd;
}

export async function* continuous(
	model: LoopModel,
	input: ContinuousInput,
	rawSettings: ContinuousSettings,
	control: RunControl = { stopRequested: false },
): AsyncGenerator<ContinuousEvent, void, undefined> {
	const { lm, codec, config } = model;
	const { requests, slots, policy, sampling, topCandidates, kvBlocks, blockSize } = checkContinuous(
		input,
		rawSettings,
		config,
	);
	const blocks = new BlockAllocator(kvBlocks, blockSize);
	const samplers = requests.map((_, r) => new Sampler(config.vocabSize, rowSampling(sampling, r), topCandidates));
	const { emit, busyMs, finish, last } = emitter<ContinuousEvent>(control);
	const withToken = (c: Omit<Candidate, 'token'>): Candidate => ({ ...c, token: codec.token(c.id) });
	const stops = stopWhen(eosToken(config.eosId), maxNewTokens(config.contextSize), contextFull(config.contextSize));

	const encoded = requests.map((q) => encode(codec, q.prompt, config.contextSize, config.eosId));
	const seqs: Seq[] = encoded.map((e, r) => {
		const max = requests[r]!.maxNewTokens;
		return {
			request: r,
			ids: e.ids.slice(),
			promptLength: e.ids.length,
			maxNewTokens: max,
			reserved: Math.min(config.contextSize, e.ids.length + max),
			firstTokenMs: -1,
			preemptions: 0,
		};
	});
	// Each request's running text, decoded a token at a time (decoding a whole request every step grows with it).
	const texts = seqs.map(() => codec.stream());
	const results: Array<RequestResult | null> = seqs.map(() => null);
	const end = (seq: Seq, reason: RequestEnd) => {
		const newTokens = seq.ids.length - seq.promptLength;
		const generatedText = codec.decode(seq.ids.slice(seq.promptLength));
		const timeToFirstTokenMs = Math.max(seq.firstTokenMs, 0);
		results[seq.request] = {
			request: seq.request,
			reason,
			ids: seq.ids,
			promptLength: seq.promptLength,
			generatedText,
			newTokens,
			timeToFirstTokenMs,
			finishedAtMs: busyMs(),
			preemptions: seq.preemptions,
		};
	};
	const waiting: Seq[] = seqs.slice();
	const running: Running[] = []; // in the KV cache's row order
	const slotOf: Array<number | null> = new Array<number | null>(slots).fill(null);
	const cache = lm.newCache(0);
	const bookTable = (): BlockTable => ({
		blockSize,
		totalBlocks: kvBlocks,
		usedBlocks: blocks.usedBlocks,
		tables: blocks.snapshot().map(({ seq, blocks: b, tokens }) => ({ request: seq, blocks: b, tokens })),
		pagedWasteSlots: blocks.wastedSlots,
		contiguousWasteSlots: contiguousWaste(running.map((r) => ({ tokens: r.seq.ids.length, reserved: r.seq.reserved }))),
	});
	const peak = { blocks: 0, paged: 0, contiguous: 0, preemptions: 0 };
	let busySlotSteps = 0;
	let iteration = -1;
	let stopped = false;
	try {
		yield* emit({ step: 'encode', iteration: -1, requests: encoded });

		// while queue or running:
		for (let i = 0; waiting.length > 0 || running.length > 0; i++) {
			iteration = i;

			// logits = model.forward(running, cache)  # decode
			const decoded = running.length;
			let ms = 0;
			if (decoded > 0) {
				const pass = await lm.forward(
					running.map((r, row) => r.seq.ids.slice(cache.tokens(row))),
					cache,
				);
				running.forEach((r, row) => (r.logits = pass.rows[row]!));
				ms = pass.ms;
			}
			yield* emit({ step: 'forward', iteration: i, rows: decoded, slots, ms, kvBytes: cache.bytes });

			// admit(queue -> free slots)  # prefill
			const admitted: Admission[] = [];
			const rejected: number[] = [];
			let blockedBy: 'slots' | 'blocks' | 'static-batch' | null = null;
			const open = policy === 'continuous' || running.length === 0;
			while (waiting.length > 0) {
				const seq = waiting[0]!;
				const need = blocks.blocksFor(seq.ids.length + 1);
				if (need > blocks.totalBlocks) {
					waiting.shift();
					end(seq, 'kv-full');
					rejected.push(seq.request);
					continue;
				}
				const slot = slotOf.indexOf(null);
				blockedBy = !open ? 'static-batch' : slot < 0 ? 'slots' : blocks.freeBlocks < need ? 'blocks' : null;
				if (blockedBy) break;
				waiting.shift();
				blocks.grow(seq.request, seq.ids.length);
				const solo = lm.newCache();
				const pass = await lm.forward(seq.ids, solo);
				await cache.addRows(solo);
				running.push({ seq, slot, logits: pass.lastLogits });
				slotOf[slot] = seq.request;
				admitted.push({
					request: seq.request,
					slot,
					prefillTokens: seq.ids.length,
					prefillMs: pass.ms,
					resumed: seq.preemptions > 0,
				});
			}
			yield* emit({
				step: 'admit',
				iteration: i,
				admitted,
				waiting: waiting.map((s) => s.request),
				blockedBy,
				rejected,
			});

			// next_ids = select(logits)
			const picks = running.map((r) => {
				const sel = samplers[r.seq.request]!.select(r.logits!);
				const chosen = withToken({ id: sel.id, prob: sel.prob, logit: sel.logit });
				return { r, row: { request: r.seq.request, slot: r.slot, chosen, candidates: sel.candidates.map(withToken) } };
			});
			busySlotSteps += picks.length;
			yield* emit({ step: 'select', iteration: i, strategy: sampling.strategy, rows: picks.map((p) => p.row) });

			// append(next_ids)  # may take a block
			const appended: ContinuousAppendEvent['rows'] = [];
			for (const { r, row } of picks) {
				r.seq.ids.push(row.chosen.id);
				if (r.seq.firstTokenMs < 0) r.seq.firstTokenMs = busyMs();
				const generatedText = texts[r.seq.request]!.push(row.chosen.id);
				appended.push({
					request: row.request,
					slot: row.slot,
					id: row.chosen.id,
					token: row.chosen.token,
					length: r.seq.ids.length,
					generatedText,
				});
			}
			const { allocated, preempted } = await grow(picks.map((p) => p.r));
			yield* emit({ step: 'append', iteration: i, rows: appended, allocated, preempted });

			// retire(finished)
			const checks: Array<{ request: number; slot: number; reason: RequestEnd | null }> = [];
			const retired: Array<{ request: number; slot: number; reason: RequestEnd; freedBlocks: number[] }> = [];
			for (let row = running.length - 1; row >= 0; row--) {
				const r = running[row]!;
				const reason = r.end ?? stops(r.seq);
				checks.unshift({ request: r.seq.request, slot: r.slot, reason });
				if (!reason) continue;
				await cache.dropRow(row);
				running.splice(row, 1);
				slotOf[r.slot] = null;
				retired.unshift({ request: r.seq.request, slot: r.slot, reason, freedBlocks: blocks.release(r.seq.request) });
				end(r.seq, reason);
			}
			const table = bookTable();
			peak.blocks = Math.max(peak.blocks, table.usedBlocks);
			peak.paged = Math.max(peak.paged, table.pagedWasteSlots);
			peak.contiguous = Math.max(peak.contiguous, table.contiguousWasteSlots);
			yield* emit({ step: 'retire', iteration: i, checks, retired, slots: slotOf.slice(), blocks: table });
		}
	} catch (err) {
		stopped = stoppedBy(err) === 'stopped';
		for (const seq of seqs) if (!results[seq.request]) end(seq, 'stopped');
	}

	/** Books each appended token's block; when none is free, preempts the latest-admitted request. */
	async function grow(rows: Running[]) {
		const allocated: ContinuousAppendEvent['allocated'] = [];
		const preempted: ContinuousAppendEvent['preempted'] = [];
		for (const r of rows) {
			const request = r.seq.request;
			const before = blocks.table(request).length;
			while (running.includes(r) && !blocks.grow(request, r.seq.ids.length)) {
				const victim = running[running.length - 1]!;
				if (victim === r && running.length === 1) {
					r.end = 'kv-full';
					break;
				}
				const row = running.length - 1;
				await cache.dropRow(row);
				running.splice(row, 1);
				slotOf[victim.slot] = null;
				victim.seq.preemptions++;
				peak.preemptions++;
				preempted.push({ request: victim.seq.request, freedBlocks: blocks.release(victim.seq.request) });
				waiting.unshift(victim.seq);
			}
			if (running.includes(r))
				for (const block of blocks.table(request).slice(before)) allocated.push({ request, block });
		}
		return { allocated, preempted };
	}

	// return results
	const totalMs = finish();
	const done = results as RequestResult[]; // every request has ended by now, one way or another
	const newTokens = done.reduce((a, r) => a + r.newTokens, 0);
	const iterations = iteration + 1;
	const event: Unindexed<ContinuousDoneEvent> = {
		step: 'done',
		iteration,
		reason: stopped ? 'stopped' : 'finished',
		requests: done,
		stats: {
			policy,
			slots,
			iterations,
			makespanMs: Math.max(0, ...done.map((r) => r.finishedAtMs)),
			slotUtilization: iterations > 0 ? busySlotSteps / (slots * iterations) : 0,
			newTokens,
			tokensPerSecond: totalMs > 0 ? (newTokens * 1000) / totalMs : 0,
			peakBlocksUsed: peak.blocks,
			peakPagedWasteSlots: peak.paged,
			peakContiguousWasteSlots: peak.contiguous,
			preemptions: peak.preemptions,
		},
	};
	yield last(event);
}

export const continuousLoop: LoopDefinition = {
	start: (model, input, settings, control) =>
		continuous(model, input as ContinuousInput, settings as ContinuousSettings, control),
	endsIteration: new Set(['encode', 'retire']),
};
