/**
 * The raw side of the scaling section (section 5): the runtime's own tokens fed back through a bare
 * `session.run` loop (teacher-forced, so the positions and the cache's contents are the runtime's),
 * B rows at a time, with nothing around each pass but building its feeds and taking the `present.*`
 * outputs as the next pass's past. Next to the runtime's loops in the same run it says how much of
 * a pass's growth with position, or of a batch's cost per row, is onnxruntime-web's own.
 */
import * as ort from 'onnxruntime-web/wasm';
import { NO_PAST, assembleBatch, type PastColumns } from '../../src/runtime/batch';
import { pastNames, presentNames, emptyPast, rawFetches } from './raw-loop';

type Tensor = ort.Tensor;

export interface ForcedPass {
	/** Position of the last token the pass fed (the longest row's). */
	position: number;
	/** session.run alone, ms. */
	runMs: number;
	/** The whole step: feeds built, session.run, outputs taken, ms. */
	stepMs: number;
}

export interface ForcedRun {
	passes: ForcedPass[];
	/** Sum over the passes, ms. */
	runMs: number;
	stepMs: number;
}

const now = () => performance.now();

/**
 * Each row is a whole sequence (prompt, then what was generated): pass 0 feeds the prompts, left-padded;
 * pass k feeds each row's k-th generated token, or a masked pad once the row has none left (as the
 * batched loop feeds a finished row).
 */
export async function forcedRun(
	session: ort.InferenceSession,
	rows: number[][],
	promptLengths: number[],
	padId: number,
): Promise<ForcedRun> {
	const b = rows.length;
	let past: Record<string, Tensor> = emptyPast(b);
	let columns: PastColumns = NO_PAST;
	const steps = Math.max(...rows.map((r, i) => r.length - promptLengths[i]!));
	const passes: ForcedPass[] = [];
	let runTotal = 0;
	let stepTotal = 0;
	for (let k = 0; k < steps; k++) {
		const t0 = now();
		const fed = rows.map((r, i) => {
			const p = promptLengths[i]!;
			if (k === 0) return r.slice(0, p);
			return p + k - 1 < r.length - 1 ? [r[p + k - 1]!] : [];
		});
		const batch = assembleBatch(fed, columns, padId);
		const feeds: Record<string, Tensor> = {
			input_ids: new ort.Tensor('int64', batch.inputIds, [b, batch.width]),
			attention_mask: new ort.Tensor('int64', batch.attentionMask, [b, batch.total]),
			position_ids: new ort.Tensor('int64', batch.positionIds, [b, batch.width]),
			...past,
		};
		const t1 = now();
		const out = await session.run(feeds, rawFetches);
		const runMs = now() - t1;
		const next: Record<string, Tensor> = {};
		for (let j = 0; j < pastNames.length; j++) next[pastNames[j]!] = out[presentNames[j]!]!;
		past = next;
		columns = { width: batch.total, mask: batch.attentionMask, realLengths: batch.realLengths };
		const stepMs = now() - t0;
		if (k > 0) passes.push({ position: batch.total - 1, runMs, stepMs });
		runTotal += runMs;
		stepTotal += stepMs;
	}
	return { passes, runMs: runTotal, stepMs: stepTotal };
}
