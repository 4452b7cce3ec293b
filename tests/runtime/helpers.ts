/**
 * Node-side harness: the real bundled model, served to the real loader by a
 * fetch that reads public/ from disk, and onnxruntime-web's Node (WASM) build.
 * Nothing here touches the network.
 */

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadModel, type Dtype, type LoadedModel } from '../../src/runtime/loader';
import type { OrtModule } from '../../src/runtime/ort';
import type { LoadProgress } from '../../src/runtime/events';

export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
export const ORIGIN = 'http://runtime.test/';
export const MODEL_URL = `${ORIGIN}models/kjv-gpt-2m/`;

export const importOrt = async (): Promise<OrtModule> => (await import('onnxruntime-web')) as unknown as OrtModule;

/** A fetch over a directory; `overrides` maps a URL path to a status or replacement bytes. */
export function diskFetch(root = PUBLIC_DIR, overrides: Record<string, number | Uint8Array> = {}): typeof fetch {
	return (async (input: string | URL | Request) => {
		const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
		if (url.origin !== new URL(ORIGIN).origin) throw new TypeError(`test fetch refuses ${url.href}`);
		const o = overrides[url.pathname];
		if (typeof o === 'number') return new Response('not here', { status: o, statusText: o === 404 ? 'Not Found' : '' });
		if (o instanceof Uint8Array)
			return new Response(o as Uint8Array<ArrayBuffer>, { headers: { 'content-length': String(o.byteLength) } });
		try {
			const bytes = await readFile(path.join(root, decodeURIComponent(url.pathname)));
			return new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } });
		} catch {
			return new Response('not found', { status: 404, statusText: 'Not Found' });
		}
	}) as typeof fetch;
}

export function loadTestModel(
	dtype: Dtype = 'q8',
	opts: { fetch?: typeof fetch; onProgress?: (p: LoadProgress) => void; modelUrl?: string } = {},
): Promise<LoadedModel> {
	return loadModel(
		{ modelUrl: opts.modelUrl ?? MODEL_URL, modelId: 'kjv-gpt-2m', dtype, backend: 'auto' },
		{ fetch: opts.fetch ?? diskFetch(), importOrt, onProgress: opts.onProgress },
	);
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
	const out: T[] = [];
	for await (const x of it) out.push(x);
	return out;
}
