/**
 * Loading: fetch the model folder (config, tokenizer, ONNX weights) with byte
 * progress, pick a backend, and create a session that has already run once.
 *
 * Everything host-specific is a dependency (fetch, how to import ORT, where its
 * runtime files live), so the browser worker and the Node tests share this code.
 */

import { RuntimeError, describe, loadCancelled } from './errors';
import type { BackendChoice, BackendName, BackendPreference, LoadProgress } from './events';
import { ORT_FILES, chooseBackend, sessionOptions, threadCount, type BackendDecision } from './backend';
import { CausalLM, modelConfigFrom, type ModelConfig, type SessionLike, type TensorCtor } from './model';
import type { OrtModule } from './ort';
import { TextCodec } from './tokenizer';
import { fetchFiles } from './download';
export { resolveModel, hubModelUrl, HUB_PATTERN } from './model-url';
export { fetchFiles, DEFAULT_STALL_TIMEOUT_MS } from './download';

export type Dtype = 'fp32' | 'q8';

export interface ModelInfo {
	modelId: string;
	dtype: string;
	backend: BackendChoice;
	contextSize: number;
	vocabSize: number;
	eosId: number;
	/** The folder the files came from. */
	modelUrl: string;
	/** Bytes this load downloaded: the model's files, plus ORT's .wasm binary the first time a build is used. */
	bytes: number;
	/** Bytes of the ONNX file the session was created from: the weights as stored (int8 for q8) and the graph. */
	weightBytes: number;
}

export interface LoadRequest {
	/** Absolute URL of the model folder, ending in "/". */
	modelUrl: string;
	modelId: string;
	dtype: Dtype;
	backend: BackendPreference;
	/** Absolute URL of the folder holding onnxruntime-web's .mjs/.wasm files; unset in Node. */
	ortBaseUrl?: string;
	/** The page's choice of stall timeout (LoadOptions.stallTimeoutMs); wins over LoadDeps'. */
	stallTimeoutMs?: number;
}

export interface LoadDeps {
	fetch?: typeof fetch;
	importOrt: (backend: BackendName) => Promise<OrtModule>;
	onProgress?: (p: LoadProgress) => void;
	/** For tests: decide the backend without a browser. */
	chooseBackend?: typeof chooseBackend;
	/**
	 * Longest wait for session creation plus the first run. A session that never
	 * comes back (a GPU driver hang, a threaded runtime that cannot start its
	 * workers) must become an error, not a spinner. Generous: SwiftShader takes
	 * tens of seconds to compile its shaders.
	 */
	sessionTimeoutMs?: number;
	/** A download that delivers no response or no bytes for this long fails as 'stalled' (default 20 s). */
	stallTimeoutMs?: number;
	/**
	 * Abandons the load: downloads stop at once, and the load rejects with a
	 * 'cancelled' RuntimeError at its next step (a session being created is
	 * released when it comes back, never handed out).
	 */
	signal?: AbortSignal;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 180_000;

/** ORT builds whose binary this worker already handed over. */
const binaryProvided = new Set<BackendName>();

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(message)), ms);
	});
	return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface LoadedModel {
	lm: CausalLM;
	codec: TextCodec;
	config: ModelConfig;
	info: ModelInfo;
}

export function onnxFile(dtype: Dtype): string {
	return dtype === 'fp32' ? 'onnx/model.onnx' : 'onnx/model_quantized.onnx';
}

function parseJson(bytes: Uint8Array, file: string, modelUrl: string): Record<string, unknown> {
	try {
		const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
		if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
		return v as Record<string, unknown>;
	} catch (err) {
		throw new RuntimeError('corrupt-model', `${file} in ${modelUrl} is not valid JSON: ${describe(err)}`, {
			cause: err,
		});
	}
}

function configureOrt(
	ort: OrtModule,
	backend: BackendName,
	ortBaseUrl: string | undefined,
	decision: BackendDecision,
): number {
	const threads = threadCount();
	ort.env.wasm.numThreads = threads;
	// We are already inside a worker; ORT's own proxy worker would only add a hop.
	ort.env.wasm.proxy = false;
	if (ortBaseUrl) {
		// Absolute URLs to files we serve ourselves: a bundled ORT cannot find its
		// runtime next to itself, and a threaded one hangs at session creation
		// when its pthread workers cannot load the .mjs.
		const f = ORT_FILES[backend];
		ort.env.wasm.wasmPaths = { mjs: new URL(f.mjs, ortBaseUrl).href, wasm: new URL(f.wasm, ortBaseUrl).href };
	}
	if (backend === 'webgpu' && decision.adapter) {
		(ort.env.webgpu as { adapter: unknown }).adapter = decision.adapter;
	}
	return threads;
}

async function createSession(ort: OrtModule, bytes: Uint8Array, ep: BackendName): Promise<SessionLike> {
	return ort.InferenceSession.create(bytes, sessionOptions(ep)) as Promise<SessionLike>;
}

/** One real pass before reporting ready: WebGPU can fail here too, and it warms the kernels. */
async function warmUp(lm: CausalLM): Promise<void> {
	const r = await lm.forward([lm.config.eosId], null);
	if (!r.lastLogits.every(Number.isFinite)) throw new Error('the first forward pass produced non-finite logits');
}

export async function loadModel(req: LoadRequest, deps: LoadDeps): Promise<LoadedModel> {
	const fetchImpl = deps.fetch ?? globalThis.fetch.bind(globalThis);
	const { signal } = deps;
	// Steps that cannot be aborted themselves (importing ORT, creating a session)
	// are raced with the cancel, so an abandoned load ends at once.
	const cancelled = new Promise<never>((_, reject) => {
		const stop = () => reject(loadCancelled());
		if (signal?.aborted) stop();
		else signal?.addEventListener('abort', stop, { once: true });
	});
	cancelled.catch(() => undefined);
	const orCancel = <T>(p: Promise<T>): Promise<T> => (signal ? Promise.race([p, cancelled]) : p);
	const decision = await orCancel((deps.chooseBackend ?? chooseBackend)(req.backend));

	const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFile(req.dtype)];
	// ORT's own binary is the biggest download (14–27 MB, 2.5–4 MB packed), so we fetch it too, for
	// honest progress, and hand it to ORT. Only once per build: ORT initialises once.
	const ortBinaryUrl =
		req.ortBaseUrl && !binaryProvided.has(decision.backend)
			? new URL(ORT_FILES[decision.backend].packed, req.ortBaseUrl).href
			: null;
	if (ortBinaryUrl) files.push(ortBinaryUrl);
	const unpacker = ortBinaryUrl ? import('./unpack').then((m) => m.binaryUnpacker()) : null;
	unpacker?.catch(() => undefined);
	// The runtime module and the files download at the same time.
	const ortPromise = deps.importOrt(decision.backend).catch((err: unknown) => {
		throw new RuntimeError('no-backend', `Could not load onnxruntime-web (${decision.backend}): ${describe(err)}`, {
			cause: err,
		});
	});
	ortPromise.catch(() => undefined);
	// ORT imports its Emscripten glue (the build's .mjs) only when it initialises, after every
	// download has finished: one more round trip before the session. Importing it now, beside the
	// downloads, takes it off that path (ORT's own import then gets this instance from the module map).
	if (ortBinaryUrl)
		import(/* @vite-ignore */ new URL(ORT_FILES[decision.backend].mjs, req.ortBaseUrl).href).catch(() => undefined);
	const [configBytes, tokBytes, tokConfigBytes, onnxBytes, ortBinary] = await fetchFiles(
		req.modelUrl,
		files,
		fetchImpl,
		{
			onProgress: deps.onProgress,
			signal,
			stallTimeoutMs: req.stallTimeoutMs ?? deps.stallTimeoutMs,
		},
	);

	const rawConfig = parseJson(configBytes!, 'config.json', req.modelUrl);
	let config: ModelConfig;
	try {
		config = modelConfigFrom(rawConfig);
	} catch (err) {
		throw new RuntimeError('corrupt-model', `config.json in ${req.modelUrl}: ${describe(err)}`, { cause: err });
	}
	let codec: TextCodec;
	try {
		codec = new TextCodec(
			parseJson(tokBytes!, 'tokenizer.json', req.modelUrl),
			parseJson(tokConfigBytes!, 'tokenizer_config.json', req.modelUrl),
		);
	} catch (err) {
		if (err instanceof RuntimeError) throw err;
		throw new RuntimeError('corrupt-model', `tokenizer.json in ${req.modelUrl} could not be read: ${describe(err)}`, {
			cause: err,
		});
	}

	const ort = await orCancel(ortPromise);
	const threads = configureOrt(ort, decision.backend, req.ortBaseUrl, decision);
	if (ortBinary) {
		try {
			const unpack = await orCancel(unpacker!);
			ort.env.wasm.wasmBinary = unpack(ortBinary);
		} catch (err) {
			if (err instanceof RuntimeError && err.kind === 'cancelled') throw err;
			throw new RuntimeError(
				'no-backend',
				`Could not unpack onnxruntime-web's binary (${ortBinaryUrl}): ${describe(err)}`,
				{
					cause: err,
				},
			);
		}
		binaryProvided.add(decision.backend);
	}
	const Tensor = ort.Tensor as unknown as TensorCtor;

	const timeoutMs = deps.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
	const open = async (ep: BackendName): Promise<CausalLM> => {
		let session: SessionLike | undefined;
		let stage = 'create an ONNX session';
		const attempt = async (): Promise<CausalLM> => {
			session = await createSession(ort, onnxBytes!, ep);
			stage = 'read the model';
			const lm = new CausalLM(session, Tensor, config);
			stage = 'run the model once';
			await warmUp(lm);
			return lm;
		};
		const attempted = attempt();
		try {
			return await orCancel(withTimeout(attempted, timeoutMs, `timed out after ${Math.round(timeoutMs / 1000)} s`));
		} catch (err) {
			// A session that comes back after a timeout or a cancel is released, never handed out.
			void attempted
				.then(
					() => session?.release?.(),
					() => session?.release?.(),
				)
				.catch(() => undefined);
			if (err instanceof RuntimeError && err.kind === 'cancelled') throw err;
			const timedOut = describe(err).startsWith('timed out');
			throw new RuntimeError(
				ep === 'webgpu' ? 'no-backend' : timedOut ? 'load' : 'corrupt-model',
				`Could not ${stage} (${ep}) from ${onnxFile(req.dtype)}: ${describe(err)}`,
				{ cause: err },
			);
		}
	};

	let backend: BackendChoice;
	let lm: CausalLM;
	if (decision.backend === 'webgpu') {
		try {
			lm = await open('webgpu');
			backend = { backend: 'webgpu', reason: decision.reason, fellBack: false, threads };
		} catch (err) {
			if (err instanceof RuntimeError && err.kind === 'cancelled') throw err;
			// The reader is never left with nothing: the WebGPU build carries the WASM provider too.
			lm = await open('wasm');
			backend = { backend: 'wasm', reason: `${describe(err)}; fell back to WASM`, fellBack: true, threads };
		}
	} else {
		lm = await open('wasm');
		backend = { backend: 'wasm', reason: decision.reason, fellBack: false, threads };
	}

	return {
		lm,
		codec,
		config,
		info: {
			modelId: req.modelId,
			dtype: req.dtype,
			backend,
			contextSize: config.contextSize,
			vocabSize: config.vocabSize,
			eosId: config.eosId,
			modelUrl: req.modelUrl,
			bytes: [configBytes, tokBytes, tokConfigBytes, onnxBytes, ortBinary].reduce(
				(s, b) => s + (b?.byteLength ?? 0),
				0,
			),
			weightBytes: onnxBytes!.byteLength,
		},
	};
}
