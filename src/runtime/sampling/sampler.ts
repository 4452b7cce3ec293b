/**
 * Choosing the next token from the last position's logits, as the loops do it.
 *
 * Greedy takes the argmax. Sampling runs the logits processors in Hugging
 * Face's order (temperature, top-k, top-p), takes the softmax of what is left
 * and draws with a seeded PRNG, so a seed reproduces a run exactly and a page
 * that reruns the same processors on the same logits sees the same numbers.
 */

import type { Candidate, Sampling } from '../events';
import {
	argmax,
	compose,
	softmax,
	temperature,
	topIndices,
	topK,
	topP,
	type Logits,
	type LogitsProcessor,
} from './processors';
import { drawToken, mulberry32 } from './random';

export interface Selection {
	id: number;
	/** Probability the chosen token had in the distribution it was drawn from. */
	prob: number;
	logit: number;
	/** The top tokens by logit, with the probabilities of that distribution. */
	candidates: Array<Omit<Candidate, 'token'>>;
}

type SampleSettings = Extract<Sampling, { strategy: 'sample' }>;

/** temperature → top-k → top-p as one processor (top-k 0 and top-p 1 are off). */
export function samplingProcessor(s: Pick<SampleSettings, 'temperature' | 'topK' | 'topP'>): LogitsProcessor {
	return compose(temperature(s.temperature), topK(s.topK), topP(s.topP));
}

/**
 * The probabilities a setting draws from, by token id (cut tokens get 0).
 * Greedy is the plain softmax: it reports those probabilities and takes the largest.
 */
export function distributionOf(logits: Logits, sampling: Sampling): Float64Array {
	return sampling.strategy === 'greedy' ? softmax(logits) : softmax(samplingProcessor(sampling)(logits));
}

export class Sampler {
	private readonly rng: () => number;
	private readonly process: LogitsProcessor | null;

	constructor(
		readonly vocabSize: number,
		readonly sampling: Sampling,
		readonly topCandidates = 5,
	) {
		this.rng = mulberry32(sampling.strategy === 'sample' ? sampling.seed : 0);
		this.process = sampling.strategy === 'sample' ? samplingProcessor(sampling) : null;
	}

	select(logits: Logits): Selection {
		if (!this.process) return this.greedy(logits);
		const probs = this.distribution(logits);
		const id = drawToken(probs, this.rng());
		const candidates = topIndices(logits, this.topCandidates).map((c) => ({
			id: c,
			logit: logits[c]!,
			prob: probs[c]!,
		}));
		return { id, prob: probs[id]!, logit: logits[id]!, candidates };
	}

	/**
	 * Greedy needs the softmax only at the argmax and the reported candidates: the same sum, in the
	 * same order, as `softmax`, so the same numbers, without a vocabulary-sized array per pick
	 * (a batch makes one pick per row per step).
	 */
	private greedy(logits: Logits): Selection {
		const n = logits.length;
		const id = argmax(logits);
		const max = logits[id]!;
		let sum = 0;
		if (max !== -Infinity) for (let i = 0; i < n; i++) sum += Math.exp(logits[i]! - max);
		const prob = (c: number) => (max === -Infinity ? 1 / n : Math.exp(logits[c]! - max) / sum);
		const candidates = topIndices(logits, this.topCandidates).map((c) => ({ id: c, logit: logits[c]!, prob: prob(c) }));
		return { id, prob: prob(id), logit: max, candidates };
	}

	/** The probabilities `select` draws from, by token id (filtered tokens get 0). */
	distribution(logits: Logits): Float64Array {
		return this.process ? softmax(this.process(logits)) : softmax(logits);
	}
}

export { argmax, softmax, topIndices } from './processors';
export { mulberry32 } from './random';
