/**
 * Choosing the next token: pure, DOM-free and ORT-free, so a component can
 * import it to redraw a step's candidates from that step's logits.
 */

export { Sampler, distributionOf, samplingProcessor, type Selection } from './sampler';
export {
	argmax,
	compose,
	rankIds,
	softmax,
	temperature,
	topIndices,
	topK,
	topP,
	type Logits,
	type LogitsProcessor,
} from './processors';
export { drawToken, mulberry32 } from './random';
export { samplingStages, type SamplingStage, type StageName } from './stages';
