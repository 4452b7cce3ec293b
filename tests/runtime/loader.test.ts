import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { zstdCompressSync } from 'node:zlib';
import { fetchFiles, loadModel, resolveModel } from '../../src/runtime/loader';
import { chooseBackend } from '../../src/runtime/backend';
import { RuntimeError } from '../../src/runtime/errors';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent, LoadProgress } from '../../src/runtime/events';
import { MODEL_URL, PUBLIC_DIR, collect, diskFetch, loadTestModel } from './helpers';

const MODEL_PATH = '/models/kjv-gpt-2m/';

describe('loader', () => {
	it('reports byte progress per file and overall, ending complete', async () => {
		const progress: LoadProgress[] = [];
		const m = await loadTestModel('q8', { onProgress: (p) => progress.push(p) });
		const onnxSize = (await readFile(path.join(PUBLIC_DIR, 'models/kjv-gpt-2m/onnx/model_quantized.onnx'))).byteLength;
		const files = new Set(progress.map((p) => p.file));
		expect([...files].sort()).toEqual([
			'config.json',
			'onnx/model_quantized.onnx',
			'tokenizer.json',
			'tokenizer_config.json',
		]);
		for (const file of files) {
			const mine = progress.filter((p) => p.file === file);
			for (let i = 1; i < mine.length; i++) expect(mine[i]!.loaded).toBeGreaterThanOrEqual(mine[i - 1]!.loaded);
			const last = mine.at(-1)!;
			expect(last.loaded).toBe(last.total);
		}
		for (let i = 1; i < progress.length; i++)
			expect(progress[i]!.overallLoaded).toBeGreaterThanOrEqual(progress[i - 1]!.overallLoaded);
		const last = progress.at(-1)!;
		expect(last.overallLoaded).toBe(last.overallTotal);
		expect(last.overallTotal).toBe(m.info.bytes);
		expect(progress.find((p) => p.file === 'onnx/model_quantized.onnx')!.total).toBe(onnxSize);
		expect(m.info.weightBytes).toBe(onnxSize);
	});

	it('a 404 rejects as not-found naming the URL (no hang)', async () => {
		const fetch = diskFetch(PUBLIC_DIR, { [`${MODEL_PATH}onnx/model_quantized.onnx`]: 404 });
		const err = await loadTestModel('q8', { fetch }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RuntimeError);
		expect(err).toMatchObject({
			kind: 'not-found',
			message: expect.stringMatching(/model_quantized\.onnx was not found \(HTTP 404 Not Found\)/),
		});
	});

	it('a missing model folder rejects', async () => {
		const err = await loadTestModel('q8', { modelUrl: 'http://runtime.test/models/no-such-model/' }).catch(
			(e: unknown) => e,
		);
		expect(err).toMatchObject({
			name: 'RuntimeError',
			kind: 'not-found',
			message: expect.stringMatching(/no-such-model.*HTTP 404/),
		});
	});

	it('a garbage ONNX file rejects as corrupt-model', async () => {
		const garbage = new TextEncoder().encode('<!doctype html><title>Not a model</title>'.repeat(100));
		const fetch = diskFetch(PUBLIC_DIR, { [`${MODEL_PATH}onnx/model_quantized.onnx`]: garbage });
		const err = await loadTestModel('q8', { fetch }).catch((e: unknown) => e);
		expect(err).toMatchObject({
			name: 'RuntimeError',
			kind: 'corrupt-model',
			message: expect.stringMatching(/ONNX session/),
		});
	});

	it('a truncated ONNX file rejects as corrupt-model', async () => {
		const real = await readFile(path.join(PUBLIC_DIR, 'models/kjv-gpt-2m/onnx/model_quantized.onnx'));
		const fetch = diskFetch(PUBLIC_DIR, {
			[`${MODEL_PATH}onnx/model_quantized.onnx`]: new Uint8Array(real.subarray(0, real.byteLength >> 1)),
		});
		const err = await loadTestModel('q8', { fetch }).catch((e: unknown) => e);
		expect(err).toMatchObject({ name: 'RuntimeError', kind: 'corrupt-model' });
	});

	it('a broken config.json or tokenizer.json rejects as corrupt-model', async () => {
		for (const file of ['config.json', 'tokenizer.json']) {
			const fetch = diskFetch(PUBLIC_DIR, { [`${MODEL_PATH}${file}`]: new TextEncoder().encode('{"oops": ') });
			const err = await loadTestModel('q8', { fetch }).catch((e: unknown) => e);
			expect(err).toMatchObject({
				name: 'RuntimeError',
				kind: 'corrupt-model',
				message: expect.stringContaining(file),
			});
		}
	});

	it('a failing fetch (offline) rejects as a network error', async () => {
		const fetch = (async () => {
			throw new TypeError('Failed to fetch');
		}) as unknown as typeof globalThis.fetch;
		await expect(loadTestModel('q8', { fetch })).rejects.toMatchObject({
			kind: 'network',
			message: expect.stringMatching(/Failed to fetch/),
		});
	});

	it('fetchFiles fails on a body that errors midway', async () => {
		const fetch = (async () =>
			new Response(
				new ReadableStream({
					start(c) {
						c.enqueue(new Uint8Array(10));
						c.error(new Error('connection reset'));
					},
				}),
			)) as unknown as typeof globalThis.fetch;
		await expect(fetchFiles(MODEL_URL, ['config.json'], fetch)).rejects.toMatchObject({
			kind: 'network',
			message: expect.stringMatching(/connection reset/),
		});
	});

	it('loads the fp32 model too, and its naive and cached greedy runs agree', async () => {
		const m = await loadTestModel('fp32');
		expect(m.info.dtype).toBe('fp32');
		const settings = { maxNewTokens: 12, sampling: { strategy: 'greedy' as const } };
		const naive = (await collect(generate(m, 'And it came to pass', { ...settings, mode: 'naive' }))).at(
			-1,
		) as DoneEvent;
		const cached = (await collect(generate(m, 'And it came to pass', { ...settings, mode: 'cached' }))).at(
			-1,
		) as DoneEvent;
		expect(cached.ids).toEqual(naive.ids);
	});
});

describe('model location', () => {
	it('resolves folder URLs against the page and hub ids the way transformers.js does', () => {
		expect(resolveModel('models/kjv-gpt-2m/', 'https://x.test/course/')).toEqual({
			modelUrl: 'https://x.test/course/models/kjv-gpt-2m/',
			modelId: 'kjv-gpt-2m',
		});
		expect(resolveModel('/m/tiny', 'https://x.test/course/')).toEqual({
			modelUrl: 'https://x.test/m/tiny/',
			modelId: 'tiny',
		});
		expect(resolveModel('someone/kjv-gpt-2m', 'https://x.test/')).toEqual({
			modelUrl: 'https://huggingface.co/someone/kjv-gpt-2m/resolve/main/',
			modelId: 'someone/kjv-gpt-2m',
		});
	});
});

describe('backend choice', () => {
	const gpu = (adapter: unknown, fallbackOnly = false) => ({
		requestAdapter: async (o?: { forceFallbackAdapter?: boolean }) =>
			fallbackOnly && !o?.forceFallbackAdapter ? null : (adapter as never),
	});
	const real = {
		info: { isFallbackAdapter: false, vendor: 'nvidia', architecture: 'ampere' },
		limits: {},
		features: {},
		requestDevice: async () => ({}),
	};
	const swiftshader = {
		info: { isFallbackAdapter: true, vendor: 'google', architecture: 'swiftshader' },
		limits: {},
		features: {},
		requestDevice: async () => ({}),
	};

	it('auto: WebGPU with a real adapter, WASM without WebGPU, with no adapter, or with only a fallback adapter', async () => {
		expect(await chooseBackend('auto', gpu(real))).toMatchObject({
			backend: 'webgpu',
			reason: expect.stringMatching(/adapter found.*nvidia/),
		});
		expect(await chooseBackend('auto', undefined)).toMatchObject({
			backend: 'wasm',
			reason: 'no WebGPU in this browser',
		});
		expect(await chooseBackend('auto', gpu(null))).toMatchObject({ backend: 'wasm', reason: 'no WebGPU adapter' });
		expect(await chooseBackend('auto', gpu(swiftshader))).toMatchObject({
			backend: 'wasm',
			reason: expect.stringMatching(/fallback.*swiftshader.*slower than WASM/),
		});
		const throwing = { requestAdapter: async () => Promise.reject(new Error('GPU process crashed')) };
		expect(await chooseBackend('auto', throwing)).toMatchObject({
			backend: 'wasm',
			reason: expect.stringMatching(/GPU process crashed/),
		});
	});

	it('forced: wasm always; webgpu even on a fallback adapter, else WASM with the reason', async () => {
		expect(await chooseBackend('wasm', gpu(real))).toMatchObject({
			backend: 'wasm',
			reason: expect.stringMatching(/forced/),
		});
		expect(await chooseBackend('webgpu', gpu(swiftshader))).toMatchObject({ backend: 'webgpu', adapter: swiftshader });
		expect(await chooseBackend('webgpu', gpu(swiftshader, true))).toMatchObject({ backend: 'webgpu' });
		expect(await chooseBackend('webgpu', undefined)).toMatchObject({
			backend: 'wasm',
			reason: expect.stringMatching(/forced.*no WebGPU/),
		});
	});
});

describe('WebGPU failure falls back to WASM', () => {
	it('when the WebGPU session cannot be created, the model still loads on WASM and says why', async () => {
		const { loadModel } = await import('../../src/runtime/loader');
		const { importOrt } = await import('./helpers');
		// onnxruntime-web's Node build has no WebGPU provider, so session creation fails like a broken GPU would.
		const m = await loadModel(
			{ modelUrl: MODEL_URL, modelId: 'kjv-gpt-2m', dtype: 'q8', backend: 'webgpu' },
			{ fetch: diskFetch(), importOrt, chooseBackend: async () => ({ backend: 'webgpu', reason: 'WebGPU forced' }) },
		);
		expect(m.info.backend).toMatchObject({
			backend: 'wasm',
			fellBack: true,
			reason: expect.stringMatching(/\(webgpu\).*fell back to WASM$/),
		});
		const done = (
			await collect(
				generate(m, 'In the beginning', { maxNewTokens: 2, mode: 'cached', sampling: { strategy: 'greedy' } }),
			)
		).at(-1) as DoneEvent;
		expect(done.stats.newTokens).toBeGreaterThan(0);
	});
});

describe('a session that never comes back', () => {
	it('becomes an error (WASM) or a fallback (WebGPU) instead of a hang', async () => {
		const { loadModel } = await import('../../src/runtime/loader');
		const { importOrt } = await import('./helpers');
		const real = await importOrt();
		const hangingOn = (ep: string) => async () =>
			({
				...real,
				env: real.env,
				Tensor: real.Tensor,
				InferenceSession: {
					create: (bytes: Uint8Array, opts: { executionProviders: string[] }) =>
						opts.executionProviders[0] === ep
							? new Promise(() => undefined)
							: real.InferenceSession.create(bytes, opts as never),
				},
			}) as never;
		const req = { modelUrl: MODEL_URL, modelId: 'kjv-gpt-2m', dtype: 'q8' as const, backend: 'auto' as const };

		await expect(
			loadModel(req, { fetch: diskFetch(), importOrt: hangingOn('wasm'), sessionTimeoutMs: 300 }),
		).rejects.toMatchObject({
			name: 'RuntimeError',
			kind: 'load',
			message: expect.stringMatching(/\(wasm\).*timed out/),
		});

		const m = await loadModel(req, {
			fetch: diskFetch(),
			importOrt: hangingOn('webgpu'),
			sessionTimeoutMs: 300,
			chooseBackend: async () => ({ backend: 'webgpu', reason: 'test' }),
		});
		expect(m.info.backend).toMatchObject({
			backend: 'wasm',
			fellBack: true,
			reason: expect.stringMatching(/timed out.*fell back to WASM/),
		});
	});
});

describe("loader: onnxruntime-web's packed binary", () => {
	const packedPath = '/ort/ort-wasm-simd-threaded.wasm.zst';
	const req = {
		modelUrl: MODEL_URL,
		modelId: 'kjv-gpt-2m',
		dtype: 'q8' as const,
		backend: 'wasm' as const,
		ortBaseUrl: new URL('/ort/', MODEL_URL).href,
	};
	/** An ORT stand-in that records what it was handed and stops the load at session creation. */
	function fakeOrt() {
		const env = { wasm: {} as Record<string, unknown>, webgpu: {} };
		const ort = {
			env,
			Tensor: class {},
			InferenceSession: {
				create: () => Promise.reject(new Error('stopped here by the test')),
			},
		};
		return { env, importOrt: async () => ort as never };
	}

	// In this order: the loader hands ORT its binary once per worker, so after the success below
	// it would not download the damaged one.
	it('fails with a clear error when the packed binary is damaged', async () => {
		const { importOrt } = fakeOrt();
		const damaged = zstdCompressSync(new TextEncoder().encode('<html>a proxy error page</html>'));
		await expect(
			loadModel(req, { fetch: diskFetch(PUBLIC_DIR, { [packedPath]: damaged }), importOrt }),
		).rejects.toMatchObject({
			name: 'RuntimeError',
			kind: 'no-backend',
			message: expect.stringMatching(/Could not unpack onnxruntime-web's binary .*not a WebAssembly binary/),
		});
	});

	it('downloads the zstd-packed binary and hands ORT the unpacked bytes', async () => {
		const wasm = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...new Array(3000).fill(7)]);
		const { env, importOrt } = fakeOrt();
		const progress: LoadProgress[] = [];
		await expect(
			loadModel(req, {
				fetch: diskFetch(PUBLIC_DIR, { [packedPath]: zstdCompressSync(wasm) }),
				importOrt,
				onProgress: (p) => progress.push(p),
			}),
		).rejects.toMatchObject({ message: expect.stringMatching(/stopped here by the test/) });
		expect(Array.from(env.wasm.wasmBinary as Uint8Array)).toEqual(Array.from(wasm));
		expect(progress.some((p) => p.file === 'ort-wasm-simd-threaded.wasm.zst')).toBe(true);
	});
});
