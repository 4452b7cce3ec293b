/**
 * The onnxruntime-web module, loaded on demand and only in the build the
 * backend needs: the WASM-only build's binary is about half the WebGPU one's.
 * (The WebGPU build also has the WASM provider, which the WebGPU→WASM
 * fallback reuses instead of downloading a second runtime.)
 */

import type * as Ort from 'onnxruntime-web';
import type { BackendName } from './events';

export type OrtModule = Pick<typeof Ort, 'InferenceSession' | 'Tensor' | 'env'>;

export function importOrt(backend: BackendName): Promise<OrtModule> {
	return backend === 'webgpu' ? import('onnxruntime-web/webgpu') : import('onnxruntime-web/wasm');
}
