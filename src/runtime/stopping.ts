/**
 * Stopping criteria, as transformers.js has them: each a small function that
 * looks at one sequence and names why it must stop, or says nothing. A loop
 * composes the ones its listing has; a batched loop asks them row by row.
 *
 * The reader's stop is not among them: it must be honoured at every event,
 * not once per token, so the one `emit` helper (loops/emit.ts) owns it.
 */

import type { StopReason } from './events';

/** Shared between a loop and whoever controls it. */
export interface RunControl {
	/** Set to end the run: it stops at the next event boundary or when the current forward pass returns. */
	stopRequested: boolean;
}

/** One row's tokens as a criterion sees them: `ids` includes the prompt. */
export interface Sequence {
	readonly ids: readonly number[];
	readonly promptLength: number;
	/** This row's own limit, where rows differ; otherwise the loop's. */
	readonly maxNewTokens?: number;
}

export type StoppingCriterion = (seq: Sequence) => StopReason | null;

export const maxNewTokens =
	(max: number): StoppingCriterion =>
	(seq) =>
		seq.ids.length - seq.promptLength >= (seq.maxNewTokens ?? max) ? 'max_new' : null;

/** The model has n_positions position embeddings: a sequence that long cannot take another token. */
export const contextFull =
	(contextSize: number): StoppingCriterion =>
	(seq) =>
		seq.ids.length >= contextSize ? 'context-full' : null;

export const eosToken =
	(eosId: number): StoppingCriterion =>
	(seq) =>
		seq.ids.length > seq.promptLength && seq.ids[seq.ids.length - 1] === eosId ? 'eos' : null;

/** The first criterion that fires decides. */
export function stopWhen(...criteria: StoppingCriterion[]): StoppingCriterion {
	return (seq) => {
		for (const criterion of criteria) {
			const reason = criterion(seq);
			if (reason) return reason;
		}
		return null;
	};
}
