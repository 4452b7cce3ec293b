/**
 * The in-page half of the per-token bench (bench/run.mjs drives it through `window.__bench`).
 *
 * Fairness rules, applied to every contestant:
 *  - one onnxruntime-web module instance (the plain WASM build the runtime uses, ort.wasm.min.mjs)
 *    for (a), (b) and the in-page (c); transformers.js is handed that same module through
 *    `globalThis[Symbol.for('onnxruntime')]`, which it checks before its own import;
 *  - the same model file and dtype (onnx/model_quantized.onnx, q8) and thread count (1: the page
 *    is not cross-origin isolated, so the runtime's threadCount() is 1 as well);
 *  - session options: the runtime's own (sessionOptions('wasm') in src/runtime/backend.ts) for (a),
 *    (c), (d) and (b*); transformers.js's defaults for (b), the contestant the target names;
 *  - (f), the floor: the model's weight matrices in a graph of MatMuls alone (bench/lib/floor-model.mjs),
 *    one run per token, same ORT module and session options;
 *  - the same prompt ids, greedy decoding and token count N, chosen so that greedy decoding
 *    emits no EOS within N tokens (no contestant stops early);
 *  - ms/token = wall time of the whole call (prefill + N-1 decode steps, tokens out) / N.
 */
import * as ort from 'onnxruntime-web/wasm';
import { getRuntime } from '../../src/runtime/index';
import {
	MODEL_DIR,
	MODEL_FILE,
	wasmSessionOptions,
	argmaxLast,
	configureOrt,
	emptyPast,
	feedsFor,
	pastNames,
	presentNames,
	rawLoop,
} from './raw-loop';
import { loadModel, type LoadedModel } from '../../src/runtime/loader';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent } from '../../src/runtime/events';
import { loadFloor, floorRun } from './floor';
import { batchRun, loadRaw, loadRuntime, positionRun, rawForcedRun } from './scaling';
import { latencyPredict, latencyRun } from './latency';
import { askWorker } from './ask-worker';

type Tensor = ort.Tensor;
type Session = ort.InferenceSession;

export interface RunResult {
	ms: number;
	tokens: number;
	ids: number[];
	/** Sum of the forward passes' own time (session.run), where known: the rest is loop, messaging, UI and waiting. */
	runMs?: number;
	/** The loop's own time as the runtime reports it (DoneStats.totalMs: excludes time its consumer held it). */
	loopMs?: number;
	/** Messages between the page and the runtime worker during the run, each way. */
	messagesFromWorker?: number;
	messagesToWorker?: number;
}

/** Forward-pass times the runtime worker reported (ForwardEvent.ms), read off its messages. */
const workerForwardMs: number[] = [];
const messages = { fromWorker: 0, toWorker: 0 };
const NativeWorker = window.Worker;
window.Worker = class extends NativeWorker {
	override postMessage(message: unknown, ...rest: unknown[]): void {
		messages.toWorker++;
		(super.postMessage as (m: unknown, ...r: unknown[]) => void)(message, ...rest);
	}
	constructor(url: string | URL, opts?: WorkerOptions) {
		super(url, opts);
		this.addEventListener('message', (e: MessageEvent) => {
			messages.fromWorker++;
			const d = e.data as { type?: string; events?: Array<{ step?: string; ms?: number }> } | null;
			if (d?.type !== 'events' || !Array.isArray(d.events)) return;
			for (const ev of d.events) if (ev.step === 'forward' && typeof ev.ms === 'number') workerForwardMs.push(ev.ms);
		});
	}
} as typeof Worker;

/** Runs `f` and adds the worker's forward-pass time during it. */
async function withWorkerRunMs(f: () => Promise<RunResult>): Promise<RunResult> {
	const from = workerForwardMs.length;
	const { fromWorker, toWorker } = messages;
	const r = await f();
	r.runMs = workerForwardMs.slice(from).reduce((a, b) => a + b, 0);
	r.messagesFromWorker = messages.fromWorker - fromWorker;
	r.messagesToWorker = messages.toWorker - toWorker;
	return r;
}

const base = new URL(import.meta.env.BASE_URL || '/', location.href).href;
const modelUrl = new URL(MODEL_DIR, base).href;
const ortBase = new URL('ort/', base).href;
const now = () => performance.now();
const status = (s: string) => {
	const el = document.getElementById('bench-status');
	if (el) el.textContent = s;
};

// ---- (a) the raw onnxruntime-web loop, and (a†) the same loop in a worker -----------------------

let sessionA: Session;

let rawWorker: Worker | undefined;
const askRawWorker = <T>(message: unknown): Promise<T> => askWorker<T>(rawWorker!, message);

// ---- (b) transformers.js generate() --------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
let tf: any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let modelB: any;
/** (b*): the same, given the runtime's session options. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let modelBOurs: any;

async function loadTransformers(): Promise<void> {
	// Hand transformers.js our ORT module (same build, same wasm instance) instead of its own bundle.
	(globalThis as Record<symbol, unknown>)[Symbol.for('onnxruntime')] = ort;
	tf = await import('@huggingface/transformers');
	tf.env.allowRemoteModels = false;
	tf.env.allowLocalModels = true;
	tf.env.localModelPath = new URL('models/', base).href;
	tf.env.useBrowserCache = false;
	tf.env.useWasmCache = false;
	// With a handed-in ORT, transformers.js lists no devices of its own, so 'wasm' would be
	// rejected; 'auto' passes and the executionProviders below decide. Nothing else is set for (b):
	// transformers.js's defaults (ORT's: graph optimization 'all', no session config entries).
	modelB = await tf.AutoModelForCausalLM.from_pretrained('kjv-gpt-2m', {
		dtype: 'q8',
		device: 'auto',
		session_options: { executionProviders: ['wasm'] },
	});
	modelBOurs = await tf.AutoModelForCausalLM.from_pretrained('kjv-gpt-2m', {
		dtype: 'q8',
		device: 'auto',
		session_options: wasmSessionOptions(),
	});
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function tfGenerate(model: any, promptIds: number[], n: number): Promise<RunResult> {
	const len = promptIds.length;
	const input_ids = new tf.Tensor(
		'int64',
		BigInt64Array.from(promptIds, (x) => BigInt(x)),
		[1, len],
	);
	const attention_mask = new tf.Tensor('int64', new BigInt64Array(len).fill(1n), [1, len]);
	const t0 = now();
	const seq = await model.generate({ input_ids, attention_mask, max_new_tokens: n, do_sample: false });
	const ms = now() - t0;
	const all = Array.from(seq.data as BigInt64Array, (x) => Number(x));
	const ids = all.slice(len);
	return { ms, tokens: ids.length, ids };
}

// ---- (c) the runtime's loop, no UI ---------------------------------------------------------

let inPage: LoadedModel;
const settingsFor = (n: number) => ({
	maxNewTokens: n,
	mode: 'cached' as const,
	sampling: { strategy: 'greedy' as const },
});

/** (c): getRuntime().generate(): the worker, its messages and the client, as a widget uses it (realtime). */
async function runtimeWorker(prompt: string, n: number): Promise<RunResult> {
	const rt = getRuntime();
	const t0 = now();
	let done: DoneEvent | undefined;
	for await (const ev of rt.generate(prompt, settingsFor(n), { realtime: true })) if (ev.step === 'done') done = ev;
	const ms = now() - t0;
	const ids = done ? done.ids.slice(done.ids.length - done.stats.newTokens) : [];
	return { ms, tokens: ids.length, ids, loopMs: done?.stats.totalMs };
}

/** (c, in-page): the same generate() from src/runtime/generate.ts on the page's thread, no worker. */
async function runtimeInPage(prompt: string, n: number): Promise<RunResult> {
	const t0 = now();
	let done: DoneEvent | undefined;
	for await (const ev of generate(inPage, prompt, settingsFor(n))) if (ev.step === 'done') done = ev;
	const ms = now() - t0;
	const ids = done ? done.ids.slice(done.ids.length - done.stats.newTokens) : [];
	return { ms, tokens: ids.length, ids, runMs: done ? done.stats.perTokenMs.reduce((a, b) => a + b, 0) : undefined };
}

// ---- (d) the widget in real-time mode ------------------------------------------------------

function widget() {
	const root = document.querySelector<HTMLElement>('[data-runnable]');
	if (!root) throw new Error('bench: no widget on the page');
	const q = <T extends HTMLElement>(name: string, extra = '') => {
		const el = root.querySelector<T>(`[data-rc="${name}"]${extra}`);
		if (!el) throw new Error(`bench: widget has no [data-rc="${name}"]${extra}`);
		return el;
	};
	return { root, q };
}

function waitForState(root: HTMLElement, states: string[], timeoutMs = 120_000): Promise<string> {
	return new Promise((resolve, reject) => {
		if (states.includes(root.dataset.state ?? '')) return resolve(root.dataset.state!);
		const timer = setTimeout(() => {
			obs.disconnect();
			reject(new Error(`bench: widget stuck in state ${root.dataset.state}`));
		}, timeoutMs);
		const obs = new MutationObserver(() => {
			if (states.includes(root.dataset.state ?? '')) {
				obs.disconnect();
				clearTimeout(timer);
				resolve(root.dataset.state!);
			}
		});
		obs.observe(root, { attributes: true, attributeFilter: ['data-state'] });
	});
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** (d): set the widget's form, click Run, time until data-state="done". */
async function widgetRun(prompt: string, n: number): Promise<RunResult> {
	const { root, q } = widget();
	q<HTMLTextAreaElement>('prompt').value = prompt;
	q<HTMLInputElement>('max').value = String(n);
	q<HTMLInputElement>('mode', '[value="cached"]').checked = true;
	q<HTMLInputElement>('strategy', '[value="greedy"]').checked = true;
	const rt = q<HTMLInputElement>('speed', '[value="realtime"]');
	if (!rt.checked) rt.click();
	await nextFrame();
	const run = q<HTMLButtonElement>('run');
	const t0 = now();
	run.click();
	const state = await waitForState(root, ['done', 'error']);
	const ms = now() - t0;
	if (state === 'error') throw new Error(`bench: widget failed: ${q('error-message').textContent}`);
	await nextFrame();
	await nextFrame();
	const ids = [...root.querySelectorAll<HTMLElement>('[data-rc="chips"] .rc-chip--gen')].map((c) =>
		Number(c.dataset.id),
	);
	return { ms, tokens: ids.length, ids };
}

// ---- naive vs cached per-step time ---------------------------------------------------------

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * One step at sequence length L, on session (a): naive feeds all L tokens with no cache; cached
 * feeds 1 token over a cache of L-1 (built once, not timed). session.run + argmax, median of reps.
 * The cached step again asking ORT for `logits` alone: the graph still computes the new cache,
 * but onnxruntime-web does not copy it out of the wasm heap into new arrays, so the difference
 * is what handing the cache back to JavaScript costs at that length.
 */
async function stepCost(lengths: number[], reps: number) {
	const vocab = 2048;
	const rows: Array<{ length: number; naiveMs: number; cachedMs: number; logitsOnlyMs: number; ratio: number }> = [];
	for (const L of lengths) {
		const tokens = Array.from({ length: L }, (_, i) => (i * 37 + 11) % 2047);
		const naive: number[] = [];
		const cached: number[] = [];
		const logitsOnly: number[] = [];
		const pre = await sessionA.run(feedsFor(tokens.slice(0, L - 1), 0, emptyPast()));
		const past: Record<string, Tensor> = {};
		for (let j = 0; j < pastNames.length; j++) past[pastNames[j]!] = pre[presentNames[j]!]!;
		for (let r = 0; r < reps + 1; r++) {
			// Alternate the two, and throw away the first pair (warm-up for this shape).
			let t = now();
			const a = await sessionA.run(feedsFor(tokens, 0, emptyPast()));
			argmaxLast(a.logits!, L, vocab);
			const tn = now() - t;
			t = now();
			const b = await sessionA.run(feedsFor([tokens[L - 1]!], L - 1, past));
			argmaxLast(b.logits!, 1, vocab);
			const tc = now() - t;
			t = now();
			const c = await sessionA.run(feedsFor([tokens[L - 1]!], L - 1, past), ['logits']);
			argmaxLast(c.logits!, 1, vocab);
			const tl = now() - t;
			if (r > 0) {
				naive.push(tn);
				cached.push(tc);
				logitsOnly.push(tl);
			}
		}
		const naiveMs = median(naive);
		const cachedMs = median(cached);
		rows.push({ length: L, naiveMs, cachedMs, logitsOnlyMs: median(logitsOnly), ratio: naiveMs / cachedMs });
	}
	return rows;
}

// ---- the driver API ------------------------------------------------------------------------

export type Contestant = 'a' | 'aWorker' | 'b' | 'bOurs' | 'c' | 'cPage' | 'd' | 'floor';

export interface BenchApi {
	init(): Promise<{
		backend: unknown;
		threads: number;
		crossOriginIsolated: boolean;
		ortVersion: string;
		tfVersion: string;
		loadMs: Record<string, number>;
		floor: unknown;
	}>;
	setPrompt(prompt: string): number[];
	/** Greedy tokens until EOS (at most `max`): how long a run can go without stopping early. */
	eosFreeLength(max: number): Promise<number>;
	run(who: Contestant, n: number): Promise<RunResult>;
	stepCost(lengths: number[], reps: number): ReturnType<typeof stepCost>;
	/** The scaling section (page/scaling.ts): the runtime worker alone, then its named loops. */
	loadRuntime: typeof loadRuntime;
	positionRun: typeof positionRun;
	batchRun: typeof batchRun;
	/** onnxruntime-web's own start in a fresh worker, bytes in memory (raw-worker.ts); call it in a fresh context. */
	ortStart(): Promise<{ sessionMs: number; firstRunMs: number }>;
	loadRaw: typeof loadRaw;
	rawForcedRun: typeof rawForcedRun;
	/** The latency section (page/latency.ts): lesson 3's timed run and its line's prediction. */
	latencyRun: typeof latencyRun;
	latencyPredict: typeof latencyPredict;
}

export function installBench(): void {
	let prompt = '';
	let promptIds: number[] = [];
	let eosId = -1;
	const api: BenchApi = {
		setPrompt(p) {
			prompt = p;
			promptIds = inPage.codec.encode(prompt);
			return promptIds;
		},
		async init() {
			configureOrt(ortBase);
			const loadMs: Record<string, number> = {};
			status('loading (a) raw onnxruntime-web');
			// Cold-start anatomy on this page (fresh browser context, so nothing is cached):
			// the wasm binary alone (fetch + compile), the model fetch, then the first session (ORT's
			// own wasm init + session), a second session from the same bytes (session creation
			// only), and the first vs second 1-token run (warm-up cost).
			let t = now();
			const wasmRes = await fetch(`${ortBase}ort-wasm-simd-threaded.wasm`);
			const wasmBytes = await wasmRes.arrayBuffer();
			loadMs.wasmFetch = now() - t;
			t = now();
			await WebAssembly.compile(wasmBytes);
			loadMs.wasmCompileOnly = now() - t;
			t = now();
			const bytes = new Uint8Array(await (await fetch(new URL(MODEL_FILE, modelUrl))).arrayBuffer());
			loadMs.modelFetch = now() - t;
			t = now();
			sessionA = await ort.InferenceSession.create(bytes, wasmSessionOptions());
			loadMs.firstSessionWithOrtInit = now() - t;
			t = now();
			const second = await ort.InferenceSession.create(bytes, wasmSessionOptions());
			loadMs.sessionCreateOnly = now() - t;
			await second.release();
			for (const k of ['firstRun1Token', 'secondRun1Token']) {
				t = now();
				await sessionA.run(feedsFor([0], 0, emptyPast()));
				loadMs[k] = now() - t;
			}
			loadMs.a = loadMs.modelFetch + loadMs.firstSessionWithOrtInit;

			status('loading (a†) raw onnxruntime-web in a worker');
			t = now();
			rawWorker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module', name: 'bench-raw-loop' });
			await askRawWorker({ type: 'init', ortBase, modelFileUrl: new URL(MODEL_FILE, modelUrl).href });
			loadMs.aWorker = now() - t;

			status('loading (c, in-page) runtime loader');
			t = now();
			inPage = await loadModel(
				{ modelUrl, modelId: 'kjv-gpt-2m', dtype: 'q8', backend: 'wasm', ortBaseUrl: ortBase },
				{ importOrt: async () => ort },
			);
			loadMs.cPage = now() - t;
			eosId = inPage.config.eosId;

			status('loading (b) transformers.js');
			t = now();
			await loadTransformers();
			loadMs.b = now() - t;

			status('loading (f) the MatMul floor');
			t = now();
			const floor = await loadFloor(new URL('floor.json', location.href).href, wasmSessionOptions());
			loadMs.floor = now() - t;

			status('loading (c) runtime worker');
			t = now();
			// The same options the widget's runtime-adapter uses, so (c) and (d) share one load.
			const info = await getRuntime().load({});
			loadMs.c = now() - t;
			status('ready');
			return {
				backend: info.backend,
				threads: ort.env.wasm.numThreads ?? 1,
				crossOriginIsolated: globalThis.crossOriginIsolated === true,
				ortVersion: ort.env.versions?.web ?? 'unknown',
				tfVersion: String(tf.env.version ?? 'unknown'),
				loadMs,
				floor,
			};
		},
		async eosFreeLength(max) {
			const r = await rawLoop(sessionA, promptIds, max, eosId);
			return r.ids[r.ids.length - 1] === eosId ? r.ids.length - 1 : r.ids.length;
		},
		async run(who, n) {
			status(`running ${who} × ${n}`);
			switch (who) {
				case 'a':
					return rawLoop(sessionA, promptIds, n);
				case 'aWorker':
					return askRawWorker<RunResult>({ type: 'run', promptIds, n });
				case 'b':
					return tfGenerate(modelB, promptIds, n);
				case 'bOurs':
					return tfGenerate(modelBOurs, promptIds, n);
				case 'floor':
					return floorRun(n);
				case 'c':
					return withWorkerRunMs(() => runtimeWorker(prompt, n));
				case 'cPage':
					return runtimeInPage(prompt, n);
				case 'd':
					return withWorkerRunMs(() => widgetRun(prompt, n));
			}
		},
		async ortStart() {
			const worker = new Worker(new URL('./raw-worker.ts', import.meta.url), {
				type: 'module',
				name: 'bench-ort-start',
			});
			try {
				return await askWorker(worker, { type: 'start', ortBase, modelFileUrl: new URL(MODEL_FILE, modelUrl).href });
			} finally {
				worker.terminate();
			}
		},
		stepCost,
		loadRuntime,
		positionRun,
		batchRun,
		loadRaw,
		rawForcedRun,
		latencyRun,
		latencyPredict,
	};
	(window as unknown as { __bench: BenchApi }).__bench = api;
	status('installed');
}
