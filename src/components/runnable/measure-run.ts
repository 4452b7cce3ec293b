/**
 * What a finished run of the `stream` loop measured about the page's own model, in the shape the
 * sizing calculator takes: the weights' bytes as loaded, the bytes a token adds to the cache (read
 * from the live cache tensors after the last pass), the mean decode step and the backend. Pure:
 * it reads the run's view and the loaded model's info, both plain data.
 */
import type { ViewState } from './view-model';

export interface RunMeasurement {
	weightBytes: number;
	kvBytesPerToken: number;
	msPerToken: number;
	backend: string;
	/** Decode steps the mean is taken over. */
	decodeSteps: number;
}

/** The loaded model's info, as far as a measurement needs it. */
export interface MeasuredModelInfo {
	weightBytes?: number;
	backend: { backend: string };
}

export type MeasureResult = { ok: true; measurement: RunMeasurement } | { ok: false; reason: string };

/** The measurement of a finished stream run. Iteration 0 of the stream loop is the prefill; every
 *  later pass is a decode step, the time a token takes once the prompt is in the cache. */
export function measureStreamRun(view: ViewState, info: MeasuredModelInfo | undefined): MeasureResult {
	if (!view.done) return { ok: false, reason: 'The run has not finished.' };
	if (!info?.weightBytes) return { ok: false, reason: 'The loaded model did not report its size.' };
	const decodeMs = view.forwardMs.slice(1);
	if (!decodeMs.length)
		return {
			ok: false,
			reason: 'This run made one token, so it had no decode step to time. Run a prompt that writes more.',
		};
	const cache = view.cache.at(-1);
	if (!cache || cache.tokens <= 0 || cache.bytes <= 0)
		return { ok: false, reason: 'The run did not report its cache.' };
	const msPerToken = decodeMs.reduce((sum, ms) => sum + ms, 0) / decodeMs.length;
	if (!(msPerToken > 0)) return { ok: false, reason: 'The decode steps were too quick for this browser’s clock.' };
	return {
		ok: true,
		measurement: {
			weightBytes: info.weightBytes,
			kvBytesPerToken: cache.bytes / (cache.tokens * cache.rows),
			msPerToken,
			backend: info.backend.backend,
			decodeSteps: decodeMs.length,
		},
	};
}
