/**
 * Lesson 5's loop: B prompts as B rows of one forward pass per step (see the
 * listing in batched-events.ts). Rows are left-padded so every row's newest
 * token is in the last column; each row stops at its own EOS or limit while
 * the others go on. A finished row stays in the batch as masked padding until
 * every row is done: that is static batching, and its waste is counted.
 *
 * Sampled rows use seed + row, so row r reproduces a B = 1 run seeded seed + r.
 */

import { RuntimeError } from '../errors';
import type { Candidate, GenerateSettings, Sampling, StopReason } from '../events';
import { Sampler } from '../sampling';
import { validateSettings } from '../settings';
import { contextFull, eosToken, maxNewTokens, stopWhen, type RunControl } from '../stopping';
import type { BatchedDoneEvent, BatchedEvent, BatchedInput, BatchedRowResult, RowSelection } from './batched-events';
import { emitter, stoppedBy, type Unindexed } from './emit';
import { checkPrompt, encode } from './encode';
import type { LoopDefinition, LoopModel } from './types';

/** Enough for lesson 5's B = 1 … 16, with room; the cache grows with B. */
export const MAX_ROWS = 32;

export async function* batched(
	model: LoopModel,
	input: BatchedInput,
	rawSettings: GenerateSettings,
	control: RunControl = { stopRequested: false },
): AsyncGenerator<BatchedEvent, void, undefined> {
	const { lm, codec, config } = model;
	const requests = checkBatchedInput(input, config.contextSize);
	const settings = validateSettings(rawSettings, config.contextSize, config.vocabSize);
	if (settings.reportLogits) {
		throw new RuntimeError(
			'bad-settings',
			'Invalid setting "reportLogits": the batched loop does not report logits; use generate or stream',
			{ field: 'reportLogits' },
		);
	}
	const { sampling } = settings;
	const samplers = requests.map(
		(_, r) => new Sampler(config.vocabSize, rowSampling(sampling, r), settings.topCandidates),
	);
	const { emit, busyMs, finish, last } = emitter<BatchedEvent>(control);
	const withToken = (c: Omit<Candidate, 'token'>): Candidate => ({ ...c, token: codec.token(c.id) });
	// EOS first: a last token that is also EOS ends the row for that reason, as in lesson 1.
	const rowStops = stopWhen(
		eosToken(config.eosId),
		maxNewTokens(settings.maxNewTokens),
		contextFull(config.contextSize),
	);

	// rows = [tokenizer.encode(p) for p in prompts]
	const encoded = requests.map((q) => encode(codec, q.prompt, config.contextSize, config.eosId));
	const rows = encoded.map((e, r) => ({
		ids: e.ids.slice(),
		promptLength: e.ids.length,
		maxNewTokens: requests[r]!.maxNewTokens,
	}));
	// Each row's running text, decoded a token at a time (decoding a whole row every step grows with it).
	const texts = rows.map(() => codec.stream());
	const reasons: (StopReason | null)[] = rows.map(() => null);
	const finishedAtMs = rows.map(() => 0);
	const isActive = (r: number) => reasons[r] === null;
	const cache = settings.mode === 'cached' ? lm.newCache(rows.length) : null;
	const perStepMs: number[] = [];
	let paddingTokens = 0;
	let timeToFirstTokenMs = 0;
	let iteration = -1;
	let stopped = false;
	try {
		yield* emit({ step: 'encode', iteration: -1, rows: encoded });

		// batch, mask = left_pad(rows)
		const width = Math.max(...rows.map((s) => s.ids.length));
		const padding = rows.map((s) => width - s.ids.length);
		yield* emit({
			step: 'pad',
			iteration: -1,
			rows: rows.length,
			width,
			padding,
			paddingTokens: padding.reduce((a, b) => a + b, 0),
		});

		// while any(active):
		for (let i = 0; reasons.some((r) => r === null); i++) {
			iteration = i;
			// One more column for every row: in cached mode the padded width, not a row's length, meets the context first.
			if (cache && cache.length >= config.contextSize) {
				for (let r = 0; r < rows.length; r++)
					if (isActive(r)) [reasons[r], finishedAtMs[r]] = ['context-full', busyMs()];
				break;
			}

			// logits = model.forward(batch, mask): cached feeds each row what its cache lacks, a finished row a masked pad
			const fed = rows.map((s, r) => (!cache ? s.ids : isActive(r) ? s.ids.slice(cache.tokens(r)) : []));
			const out = await lm.forward(fed, cache);
			perStepMs.push(out.ms);
			paddingTokens += out.padding;
			const live = rows.map((_, r) => r).filter(isActive);
			yield* emit({
				step: 'forward',
				iteration: i,
				rows: rows.length,
				activeRows: live.length,
				inputLength: Math.max(...fed.map((f) => f.length), 1),
				sequenceLength: cache ? cache.length : Math.max(...rows.map((s) => s.ids.length)),
				usedCache: cache !== null && i > 0,
				paddingTokens: out.padding,
				kvBytes: cache ? cache.bytes : 0,
				ms: out.ms,
			});

			// next_ids = select(logits[:, -1])
			const picks: RowSelection[] = live.map((r) => {
				const sel = samplers[r]!.select(out.rows[r]!);
				return {
					row: r,
					chosen: withToken({ id: sel.id, prob: sel.prob, logit: sel.logit }),
					candidates: sel.candidates.map(withToken),
				};
			});
			yield* emit({ step: 'select', iteration: i, strategy: sampling.strategy, rows: picks });

			// append(batch, next_ids, active)
			for (const p of picks) rows[p.row]!.ids.push(p.chosen.id);
			if (i === 0) timeToFirstTokenMs = busyMs();
			const appended = picks.map(({ row, chosen }) => {
				const s = rows[row]!;
				return {
					row,
					id: chosen.id,
					token: chosen.token,
					length: s.ids.length,
					generatedText: texts[row]!.push(chosen.id),
				};
			});
			yield* emit({ step: 'append', iteration: i, rows: appended });

			// active &= not stop(rows)
			const checks = picks.map(({ row, chosen }) => {
				const reason = rowStops(rows[row]!);
				if (reason) [reasons[row], finishedAtMs[row]] = [reason, busyMs()];
				return { row, id: chosen.id, isEos: chosen.id === config.eosId, reason };
			});
			yield* emit({ step: 'stop-check', iteration: i, rows: checks, active: rows.map((_, r) => r).filter(isActive) });
		}
	} catch (err) {
		stopped = stoppedBy(err) === 'stopped';
		for (let r = 0; r < rows.length; r++) if (isActive(r)) [reasons[r], finishedAtMs[r]] = ['stopped', busyMs()];
	}

	// return [tokenizer.decode(r) for r in rows]
	const totalMs = finish();
	const results: BatchedRowResult[] = rows.map((s, r) => {
		const newTokens = s.ids.length - s.promptLength;
		return {
			row: r,
			reason: reasons[r] ?? 'stopped',
			ids: s.ids,
			promptLength: s.promptLength,
			text: codec.decode(s.ids),
			generatedText: codec.decode(s.ids.slice(s.promptLength)),
			newTokens,
			finishedAtMs: finishedAtMs[r]!,
		};
	});
	const newTokens = results.reduce((a, r) => a + r.newTokens, 0);
	const rate = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : 0);
	const lastRow = results.reduce((a, b) => (b.finishedAtMs >= a.finishedAtMs ? b : a));
	const done: Unindexed<BatchedDoneEvent> = {
		step: 'done',
		iteration,
		reason: stopped ? 'stopped' : lastRow.reason,
		rows: results,
		stats: {
			rows: rows.length,
			forwardPasses: perStepMs.length,
			perStepMs,
			timeToFirstTokenMs,
			totalMs,
			newTokens,
			tokensPerSecond: rate(newTokens, totalMs),
			perRowTokensPerSecond: results.reduce((a, r) => a + rate(r.newTokens, r.finishedAtMs), 0) / results.length,
			paddingTokens,
			kvBytes: cache ? cache.bytes : 0,
		},
	};
	yield last(done);
}

export const batchedLoop: LoopDefinition = {
	start: (model, input, settings, control) =>
		batched(model, input as BatchedInput, settings as GenerateSettings, control),
	endsIteration: new Set(['pad', 'stop-check']),
};

/** Row r of a batch samples with seed + r, so it reproduces a B = 1 run with that seed. */
export function rowSampling(s: Sampling, row: number): Sampling {
	return s.strategy === 'sample' ? { ...s, seed: (s.seed + row) >>> 0 } : s;
}

/** The prompts, each with its own limit where given; a clear 'bad-settings' error otherwise. */
export function checkBatchedInput(
	input: unknown,
	contextSize: number,
): Array<{ prompt: string; maxNewTokens?: number }> {
	const bad = (field: string, message: string): never => {
		throw new RuntimeError('bad-settings', `Invalid ${field}: ${message}`, { field });
	};
	if (!Array.isArray(input)) bad('prompts', 'expected an array of prompts');
	const list = input as unknown[];
	if (list.length < 1 || list.length > MAX_ROWS)
		bad('prompts', `expected 1 to ${MAX_ROWS} prompts, got ${list.length}`);
	return list.map((q, r) => {
		if (typeof q === 'string') return { prompt: q };
		if (typeof q !== 'object' || q === null)
			return bad(`prompts[${r}]`, 'expected a string or { prompt, maxNewTokens }');
		const { prompt, maxNewTokens: max, ...rest } = q as Record<string, unknown>;
		const extra = Object.keys(rest)[0];
		if (extra !== undefined) bad(`prompts[${r}].${extra}`, 'unknown field (expected prompt, maxNewTokens)');
		checkPrompt(prompt, `prompts[${r}].prompt`);
		if (max === undefined) return { prompt };
		if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > contextSize) {
			bad(`prompts[${r}].maxNewTokens`, `expected an integer in 1..${contextSize}, got ${String(max)}`);
		}
		return { prompt, maxNewTokens: max as number };
	});
}
