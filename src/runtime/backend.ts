/**
 * Which execution provider runs the model, which onnxruntime-web build to load
 * for it, and the session options it runs with. Kept apart from the loader so
 * the rule is stated once:
 *
 *   WebGPU when requestAdapter() gives a real (hardware) adapter, WASM otherwise.
 *
 * A fallback adapter (SwiftShader, `isFallbackAdapter`) computes correctly but
 * is 40–200× slower than WASM, so `auto` treats it as no WebGPU; forcing
 * `webgpu` still uses it (that is how the tests reach the WebGPU path headless).
 */

import type { InferenceSession } from 'onnxruntime-web';
import type { BackendName, BackendPreference } from './events';

/** The parts of the WebGPU API we touch; no @webgpu/types dependency. */
export interface GpuAdapterLike {
	readonly info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string; description?: string };
	/** Older Chromium exposed the flag on the adapter itself. */
	readonly isFallbackAdapter?: boolean;
	requestDevice(): Promise<unknown>;
	readonly limits: object;
	readonly features: object;
}
interface GpuLike {
	requestAdapter(options?: {
		forceFallbackAdapter?: boolean;
		powerPreference?: string;
	}): Promise<GpuAdapterLike | null>;
}

export interface BackendDecision {
	backend: BackendName;
	reason: string;
	/** The adapter to hand to ORT, so it uses the same one we judged. */
	adapter?: GpuAdapterLike;
}

function describeAdapter(a: GpuAdapterLike): string {
	const i = a.info;
	const name = [i?.vendor, i?.architecture, i?.description].filter(Boolean).join(' ');
	return name || 'unnamed adapter';
}

export function isFallbackAdapter(a: GpuAdapterLike): boolean {
	return Boolean(a.info?.isFallbackAdapter ?? a.isFallbackAdapter);
}

export async function chooseBackend(
	preference: BackendPreference,
	gpu: GpuLike | undefined = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu,
): Promise<BackendDecision> {
	if (preference === 'wasm') return { backend: 'wasm', reason: 'WASM forced by the backend setting' };

	if (!gpu) {
		return {
			backend: 'wasm',
			reason:
				preference === 'webgpu'
					? 'WebGPU forced, but this browser has no WebGPU; using WASM'
					: 'no WebGPU in this browser',
		};
	}
	let adapter: GpuAdapterLike | null = null;
	let failure = '';
	try {
		adapter = await gpu.requestAdapter();
		// Some browsers only hand out the software adapter when asked for it.
		if (!adapter && preference === 'webgpu') adapter = await gpu.requestAdapter({ forceFallbackAdapter: true });
	} catch (err) {
		failure = err instanceof Error ? err.message : String(err);
	}
	if (!adapter) {
		const why = failure ? `requestAdapter failed: ${failure}` : 'no WebGPU adapter';
		return { backend: 'wasm', reason: preference === 'webgpu' ? `WebGPU forced, but ${why}; using WASM` : why };
	}
	if (isFallbackAdapter(adapter)) {
		if (preference === 'webgpu') {
			return {
				backend: 'webgpu',
				reason: `WebGPU forced on a fallback adapter (${describeAdapter(adapter)}); expect it to be slow`,
				adapter,
			};
		}
		return {
			backend: 'wasm',
			reason: `only a fallback WebGPU adapter (${describeAdapter(adapter)}), which is slower than WASM`,
		};
	}
	return {
		backend: 'webgpu',
		reason: `${preference === 'webgpu' ? 'WebGPU forced' : 'WebGPU adapter found'} (${describeAdapter(adapter)})`,
		adapter,
	};
}

/**
 * Threads need SharedArrayBuffer, which browsers only give cross-origin
 * isolated pages (COOP + COEP headers). Without it ORT must run single-threaded.
 */
export function threadCount(): number {
	const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
	if (!g.crossOriginIsolated) return 1;
	return Math.max(1, Math.min(4, g.navigator?.hardwareConcurrency ?? 1));
}

/**
 * The onnxruntime-web runtime files each build needs (served by our Astro integration under `ort/`):
 * its Emscripten glue, its binary, and the binary zstd-packed, which is what the loader downloads.
 */
export const ORT_FILES: Record<BackendName, { mjs: string; wasm: string; packed: string }> = {
	wasm: {
		mjs: 'ort-wasm-simd-threaded.mjs',
		wasm: 'ort-wasm-simd-threaded.wasm',
		packed: 'ort-wasm-simd-threaded.wasm.zst',
	},
	webgpu: {
		mjs: 'ort-wasm-simd-threaded.asyncify.mjs',
		wasm: 'ort-wasm-simd-threaded.asyncify.wasm',
		packed: 'ort-wasm-simd-threaded.asyncify.wasm.zst',
	},
};

/**
 * How every session is created, on either provider (the bench's raw loop uses these too).
 *
 * `session.disable_quant_qdq`: the shipped model stores its weights as int8, each behind a
 * DequantizeLinear. By default ORT keeps those nodes so that its quantized kernels can fuse them,
 * which on WASM means dequantizing the weights (or running 8-bit kernels over them) on every
 * forward pass: most of a token's time for a model this small. With the QDQ transforms off,
 * constant folding turns each int8 weight into fp32 once, at session creation, and a token costs
 * what the fp32 model's does (same tokens; the download stays int8). ORT's own WebNN path sets the
 * same key. bench/log.md has the measurements (contestants (b) and (b*) of `npm run bench`).
 */
export function sessionOptions(ep: BackendName): InferenceSession.SessionOptions {
	return {
		executionProviders: [ep],
		graphOptimizationLevel: 'all',
		// ORT warns (as console errors) that shape ops run on the CPU under WebGPU; that is by design.
		logSeverityLevel: 3,
		extra: { session: { disable_quant_qdq: '1' } },
	};
}
