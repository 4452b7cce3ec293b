// What the end-to-end specs share about running the real model: how long a first Run may take, what
// may not download before it, and the Node side of their checks: the same loops the page runs, on
// the model fetched from the site under test, so a stale build or a model swapped mid-run cannot
// make the two sides disagree.
import type { LoadedModel } from '../../src/runtime/loader';
import { loadTestModel } from '../runtime/helpers';
import { localUrl } from './fixtures';

/** How long a Run may take to load the model and finish, on a cold, busy test machine. */
export const LOAD_TIMEOUT = 90_000;

/** onnxruntime, the runtime worker and the model: none of it may load before Run. */
export const HEAVY = /\/ort\/|ort-wasm|\.wasm(\?|$)|\.onnx(\?|$)|\/models\/|worker/;

let model: Promise<LoadedModel> | undefined;

/** The model the page runs (q8, the runtime's default), loaded once per test worker from the site. */
export function siteModel(): Promise<LoadedModel> {
	model ??= loadTestModel('q8', { fetch: globalThis.fetch, modelUrl: localUrl('models/kjv-gpt-2m/') });
	return model;
}
