/**
 * The scaling section's raw loop (bench/page/raw-forced.ts) feeds the runtime's own sequences back
 * through a bare session.run: its passes must be the loop's passes, position for position, or the
 * side-by-side figures compare different work.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { forcedRun } from '../../bench/page/raw-forced';
import { batched } from '../../src/runtime/loops/batched';
import { stream } from '../../src/runtime/loops/stream';
import type { BatchedDoneEvent } from '../../src/runtime/loops/batched-events';
import type { LoadedModel } from '../../src/runtime/loader';
import type { InferenceSession } from 'onnxruntime-web';
import { collect, loadTestModel } from '../runtime/helpers';

let model: LoadedModel;
let session: InferenceSession;
beforeAll(async () => {
	model = await loadTestModel('q8');
	session = model.lm.session as InferenceSession;
});

describe('bench raw loop: the runtime tokens through a bare session.run', () => {
	it('one row: a pass per decode step of the stream loop, at the same positions', async () => {
		const events = await collect(stream(model, 'And the king', { maxNewTokens: 12, sampling: { strategy: 'greedy' } }));
		const decode = events.filter((e) => e.step === 'decode').map((e) => (e.step === 'decode' ? e.position : -1));
		const done = events.at(-1)!;
		if (done.step !== 'done') throw new Error('no done');
		const raw = await forcedRun(session, [done.ids], [done.stats.promptTokens], model.config.eosId);
		expect(raw.passes.map((p) => p.position)).toEqual(decode);
		expect(raw.passes.every((p) => p.runMs >= 0 && p.stepMs >= p.runMs)).toBe(true);
	});

	it('B rows of different lengths: the batched loop passes, a finished row fed as a masked pad', async () => {
		const events = await collect(
			batched(model, ['Blessed are the', 'And', { prompt: 'In the beginning', maxNewTokens: 3 }], {
				maxNewTokens: 10,
				mode: 'cached',
				sampling: { strategy: 'greedy' },
			}),
		);
		const forwards = events
			.filter((e) => e.step === 'forward')
			.map((e) => (e.step === 'forward' ? e.sequenceLength : -1));
		const done = events.at(-1) as BatchedDoneEvent;
		const raw = await forcedRun(
			session,
			done.rows.map((r) => r.ids),
			done.rows.map((r) => r.promptLength),
			model.config.eosId,
		);
		// The loop's forward events give the columns held after each pass; the raw passes, the last column fed.
		expect(raw.passes.map((p) => p.position + 1)).toEqual(forwards.slice(1));
	});
});
