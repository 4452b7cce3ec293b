/**
 * The select step as the generate and stream loops run it: the sampler's
 * choice, timed on its own so a page can set choosing beside the forward pass,
 * and, when the run asked, a copy of the step's logits for redrawing.
 */

import { TOP_LOGITS, type ReportLogits, type StepLogits } from '../events';
import { topIndices, type Sampler, type Selection } from '../sampling';

const now = () => performance.now();

export interface TimedSelection {
	sel: Selection;
	/** Wall time of sampler.select, ms. */
	selectMs: number;
	logits?: StepLogits;
}

export function timedSelect(sampler: Sampler, lastLogits: Float32Array, report?: ReportLogits): TimedSelection {
	const t0 = now();
	const sel = sampler.select(lastLogits);
	const selectMs = now() - t0;
	return report ? { sel, selectMs, logits: stepLogits(lastLogits, report) } : { sel, selectMs };
}

/**
 * A copy, never the view: the model's logits are a view into its output
 * tensor, and posting a view would clone the whole underlying buffer.
 */
export function stepLogits(lastLogits: Float32Array, report: ReportLogits): StepLogits {
	if (report === 'all') return { kind: 'all', values: lastLogits.slice() };
	const ids = Int32Array.from(topIndices(lastLogits, TOP_LOGITS));
	return { kind: 'top', ids, values: Float32Array.from(ids, (id) => lastLogits[id]!) };
}
