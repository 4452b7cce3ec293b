/**
 * One step's distribution after each processor in turn, for a page that shows
 * the candidates surviving each cut. Pure: run it on a paused step's logits
 * as often as the reader moves a control; the model does not run again.
 */

import { softmax, temperature, topK, topP, type Logits } from './processors';

export type StageName = 'logits' | 'temperature' | 'top-k' | 'top-p';

export interface SamplingStage {
	name: StageName;
	/** The logits after this stage; cut tokens are -Infinity. */
	logits: Float64Array;
	/** Their softmax: the surviving tokens renormalised to sum to 1, cut tokens 0. */
	probs: Float64Array;
	/** How many tokens survive this stage. */
	kept: number;
}

/**
 * The model's distribution, then after temperature, top-k and top-p in that
 * order. The last stage's probabilities are what a sampled step draws from.
 */
export function samplingStages(
	logits: Logits,
	s: { temperature: number; topK: number; topP: number },
): SamplingStage[] {
	const stage = (name: StageName, l: Float64Array): SamplingStage => {
		let kept = 0;
		for (let i = 0; i < l.length; i++) if (l[i]! !== -Infinity) kept++;
		return { name, logits: l, probs: softmax(l), kept };
	};
	const raw = stage('logits', Float64Array.from(logits));
	const warmed = stage('temperature', temperature(s.temperature)(raw.logits));
	const cutK = stage('top-k', topK(s.topK)(warmed.logits));
	return [raw, warmed, cutK, stage('top-p', topP(s.topP)(cutK.logits))];
}
