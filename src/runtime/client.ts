/**
 * The page-side API widgets use. One Web Worker per page runs the model; this
 * file turns its messages back into promises and async iterables.
 *
 *   const rt = getRuntime();
 *   const info = await rt.load({}, (p) => bar(p.overallLoaded / p.overallTotal));
 *   const run = rt.generate('In the beginning', { maxNewTokens: 20, mode: 'cached', sampling: { strategy: 'greedy' } });
 *   for await (const ev of run) highlight(ev.step);
 *
 * Any named loop runs the same way: `rt.run('batched', ['In the', 'And'], settings)`.
 */

import { RuntimeError, deserializeError, loadCancelled } from './errors';
import type { BackendPreference, GenerateSettings, LoadProgress } from './events';
import type { Dtype, LoadRequest, ModelInfo } from './loader';
import type { AnyLoopEvent, LoopEvent, LoopInput, LoopSettings } from './loops/types';
import { isLoopName, type LoopName } from './loops/vocabulary';
import { resolveModel } from './model-url';
import type { FromWorker, Port, ToWorker } from './protocol';
import { FLOW_WINDOW, REALTIME_LOOKAHEAD, Run, type RunHandle } from './run-handle';
import { SharedLoad } from './shared-load';

export type { ModelInfo } from './loader';
export type { RunHandle } from './run-handle';
export { RuntimeError } from './errors';

export interface LoadOptions {
	/** Model folder URL (default: the bundled model under the site's base path) or a hub model id ("owner/name"). */
	model?: string;
	backend?: BackendPreference;
	/** Default q8: a quarter of the download, same tokens on this model. */
	dtype?: Dtype;
	/**
	 * Milliseconds a download may deliver no response or no bytes before the load
	 * fails as 'stalled' (default 20 000). The first load of a model sets it for
	 * everyone sharing that load.
	 */
	stallTimeoutMs?: number;
}

export interface LoadControl {
	/**
	 * Abandons this caller's wait: load() rejects at once with a RuntimeError of
	 * kind 'cancelled'. The downloads stop only when no other caller still waits
	 * for the same model; the next load() then starts afresh.
	 */
	signal?: AbortSignal;
}

export interface RunOptions {
	startPaused?: boolean;
	/**
	 * The page shows the run as it comes: while it is not paused the worker may
	 * run a few loop iterations ahead of the reader (REALTIME_LOOKAHEAD in
	 * run-handle.ts) instead of one. Pause and step stay exact; stop() lands
	 * within that many forward passes instead of one.
	 */
	realtime?: boolean;
}

export interface RuntimeClient {
	load(opts?: LoadOptions, onProgress?: (p: LoadProgress) => void, control?: LoadControl): Promise<ModelInfo>;
	/** Lesson 1's loop: shorthand for run('generate', prompt, settings, opts). */
	generate(prompt: string, settings: GenerateSettings, opts?: RunOptions): RunHandle;
	/** Any named loop (see loops/vocabulary.ts), with that loop's input, settings and events. */
	run<L extends LoopName>(
		loop: L,
		input: LoopInput<L>,
		settings: LoopSettings<L>,
		opts?: RunOptions,
	): RunHandle<LoopEvent<L>>;
}

const DEFAULT_MODEL_PATH = 'models/kjv-gpt-2m/';
const ORT_PATH = 'ort/';

function siteBase(): string {
	const base = import.meta.env.BASE_URL || '/';
	const withSlash = base.endsWith('/') ? base : `${base}/`;
	const origin = (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
	return new URL(withSlash, origin).href;
}

/** The client over any port, so tests can wire it to an in-process host. */
export function createRuntimeClient(connect: () => Port<FromWorker, ToWorker>): RuntimeClient {
	let port: Port<FromWorker, ToWorker> | null = null;
	let nextReq = 1;
	let nextRun = 1;
	const pendingLoads = new Map<
		number,
		{ resolve: (i: ModelInfo) => void; reject: (e: RuntimeError) => void; report: (p: LoadProgress) => void }
	>();
	const activeRuns = new Map<string, Run<AnyLoopEvent>>();
	const model = new SharedLoad<ModelInfo, LoadProgress>();

	function failAll(err: RuntimeError): void {
		for (const p of pendingLoads.values()) p.reject(err);
		pendingLoads.clear();
		for (const r of activeRuns.values()) r.fail(err);
		activeRuns.clear();
		port = null;
		model.forget();
	}

	function getPort(): Port<FromWorker, ToWorker> {
		if (port) return port;
		let p: Port<FromWorker, ToWorker>;
		try {
			p = connect();
		} catch (err) {
			throw new RuntimeError(
				'internal',
				`Could not start the runtime worker: ${err instanceof Error ? err.message : String(err)}`,
			);
		}
		p.onmessage = (ev) => onMessage(ev.data);
		const w = p as unknown as { addEventListener?: (t: string, f: (e: { message?: string }) => void) => void };
		w.addEventListener?.('error', (e) => {
			failAll(new RuntimeError('internal', `The runtime worker crashed${e.message ? `: ${e.message}` : ''}`));
		});
		w.addEventListener?.('messageerror', () =>
			failAll(new RuntimeError('internal', 'A message from the runtime worker could not be read')),
		);
		port = p;
		return p;
	}

	function onMessage(m: FromWorker): void {
		switch (m.type) {
			case 'progress':
				pendingLoads.get(m.reqId)?.report(m.progress);
				break;
			case 'loaded':
				pendingLoads.get(m.reqId)?.resolve(m.info);
				pendingLoads.delete(m.reqId);
				break;
			case 'load-failed':
				pendingLoads.get(m.reqId)?.reject(deserializeError(m.error));
				pendingLoads.delete(m.reqId);
				break;
			case 'events':
				activeRuns.get(m.runId)?.push(m.events, m.complete);
				if (m.events.some((e) => e.step === 'done')) activeRuns.delete(m.runId);
				break;
			case 'run-failed':
				activeRuns.get(m.runId)?.fail(deserializeError(m.error));
				activeRuns.delete(m.runId);
				break;
		}
	}

	function load(
		opts: LoadOptions = {},
		onProgress?: (p: LoadProgress) => void,
		control: LoadControl = {},
	): Promise<ModelInfo> {
		const base = siteBase();
		let request: LoadRequest;
		try {
			const { modelUrl, modelId } = resolveModel(opts.model ?? DEFAULT_MODEL_PATH, base);
			const backend = opts.backend ?? 'auto';
			if (!['auto', 'webgpu', 'wasm'].includes(backend)) {
				throw new RuntimeError(
					'bad-settings',
					`Invalid load option "backend": expected "auto", "webgpu" or "wasm", got ${JSON.stringify(backend)}`,
					{ field: 'backend' },
				);
			}
			const dtype = opts.dtype ?? 'q8';
			if (dtype !== 'q8' && dtype !== 'fp32') {
				throw new RuntimeError(
					'bad-settings',
					`Invalid load option "dtype": expected "q8" or "fp32", got ${JSON.stringify(dtype)}`,
					{ field: 'dtype' },
				);
			}
			const stall = opts.stallTimeoutMs;
			if (stall !== undefined && !(typeof stall === 'number' && stall > 0 && Number.isFinite(stall))) {
				throw new RuntimeError(
					'bad-settings',
					`Invalid load option "stallTimeoutMs": expected a positive number of milliseconds, got ${JSON.stringify(stall)}`,
					{
						field: 'stallTimeoutMs',
					},
				);
			}
			request = { modelUrl, modelId, dtype, backend, ortBaseUrl: new URL(ORT_PATH, base).href };
			if (stall !== undefined) request.stallTimeoutMs = stall;
		} catch (err) {
			return Promise.reject(err instanceof RuntimeError ? err : new RuntimeError('load', String(err)));
		}
		const key = JSON.stringify([request.modelUrl, request.dtype, request.backend]);
		// `signal` aborts once no caller on this page waits any more.
		const start = (report: (p: LoadProgress) => void, signal: AbortSignal) =>
			new Promise<ModelInfo>((resolve, reject) => {
				const reqId = nextReq++;
				pendingLoads.set(reqId, { resolve, reject, report });
				try {
					getPort().postMessage({ type: 'load', reqId, request });
				} catch (err) {
					pendingLoads.delete(reqId);
					reject(err instanceof RuntimeError ? err : new RuntimeError('internal', String(err)));
					return;
				}
				signal.addEventListener(
					'abort',
					() => {
						if (!pendingLoads.delete(reqId)) return;
						port?.postMessage({ type: 'cancel-load', reqId });
						reject(loadCancelled());
					},
					{ once: true },
				);
			});
		return model.get(key, start, onProgress, control.signal);
	}

	function run<L extends LoopName>(
		loop: L,
		input: LoopInput<L>,
		settings: LoopSettings<L>,
		opts: RunOptions = {},
	): RunHandle<LoopEvent<L>> {
		const id = `run-${nextRun++}`;
		const lookahead = opts.realtime ? REALTIME_LOOKAHEAD : FLOW_WINDOW;
		const handle = new Run<AnyLoopEvent>(id, loop, Boolean(opts.startPaused), lookahead);
		if (!isLoopName(loop)) {
			handle.fail(new RuntimeError('bad-settings', `Unknown loop ${JSON.stringify(loop)}`, { field: 'loop' }));
			return handle as unknown as RunHandle<LoopEvent<L>>;
		}
		activeRuns.set(id, handle);
		// A run may start before load() finished (or was called): it waits for the model.
		const ready = model.current ?? load();
		ready.then(
			() => {
				if (!activeRuns.has(id)) return;
				try {
					getPort().postMessage({ type: 'run', runId: id, loop, input, settings, limit: handle.initialLimit });
					handle.attach((m) => port?.postMessage(m));
				} catch (err) {
					activeRuns.delete(id);
					handle.fail(
						err instanceof RuntimeError ? err : new RuntimeError('internal', `Could not start the run: ${String(err)}`),
					);
				}
			},
			(err: unknown) => {
				activeRuns.delete(id);
				handle.fail(err instanceof RuntimeError ? err : new RuntimeError('load', String(err)));
			},
		);
		return handle as unknown as RunHandle<LoopEvent<L>>;
	}

	return {
		load,
		run,
		generate: (prompt, settings, opts) => run('generate', prompt, settings, opts),
	};
}

let singleton: RuntimeClient | null = null;

/** The page's runtime: one shared worker and one shared model for every widget. */
export function getRuntime(): RuntimeClient {
	singleton ??= createRuntimeClient(
		() =>
			new Worker(new URL('./worker.ts', import.meta.url), {
				type: 'module',
				name: 'token-by-token-runtime',
			}) as unknown as Port<FromWorker, ToWorker>,
	);
	return singleton;
}
