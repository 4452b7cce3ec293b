/**
 * Where a model lives. Kept free of heavy imports: the page-side client uses it
 * and must not pull the tokenizer or ONNX Runtime into the page's bundle.
 */

import { RuntimeError } from './errors';

/** A hub id ("owner/name") resolves the way transformers.js resolves it. */
export const HUB_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;
export function hubModelUrl(id: string): string {
	return `https://huggingface.co/${id}/resolve/main/`;
}

/**
 * Turns the `model` setting into a folder URL: a hub id becomes its resolve
 * URL; anything else is a folder URL, relative to `base`.
 */
export function resolveModel(model: string, base: string): { modelUrl: string; modelId: string } {
	if (HUB_PATTERN.test(model) && !model.startsWith('.')) return { modelUrl: hubModelUrl(model), modelId: model };
	let url: URL;
	try {
		url = new URL(model, base);
	} catch {
		throw new RuntimeError('load', `"${model}" is neither a model folder URL nor a hub model id`);
	}
	if (!url.pathname.endsWith('/')) url.pathname += '/';
	const parts = url.pathname.split('/').filter(Boolean);
	return { modelUrl: url.href, modelId: parts[parts.length - 1] ?? url.host };
}
