/**
 * The only door to the runtime. `src/runtime` (onnxruntime, tokenizer, worker) is imported
 * dynamically on first use, so nothing of it ships with the page or downloads before Run.
 */
import type { LoadProgress, ReportLogits } from '../../runtime/events';
// Type-only: erased at build time, so the runtime's code still loads only on first use.
import type { ModelInfo, RunHandle, RuntimeClient, RuntimeErrorKind } from '../../runtime/index';
import type { LoopEvent, LoopInput, LoopSettings } from '../../runtime/loops/types';
import type { LoopName } from '../../runtime/loops/vocabulary';

import type { PrepareProgress, RunSource } from './run-source';
import { promptRows, toGenerateSettings, type ReaderSettings } from './settings';

export type { ModelInfo, RunHandle };

export interface RuntimeFailure {
	/** The runtime's error kinds, plus 'script': the runtime's own code failed to download. */
	kind: RuntimeErrorKind | 'script';
	message: string;
}

let client: Promise<RuntimeClient> | undefined;

/** Fetches the runtime's code (not the model). Safe to call early, e.g. on hover of Run. */
export function prefetchRuntime(): Promise<RuntimeClient> {
	client ??= import('../../runtime/index').then((m) => m.getRuntime() as unknown as RuntimeClient);
	client.catch(() => {
		client = undefined;
	});
	return client;
}

/** Loads the page's model. The runtime shares one load between every caller, replays its progress to
 *  late ones, forgets a failed load so Retry starts over, and stops the download once every caller
 *  that waits on it has aborted. */
export async function ensureModel(
	onProgress: (p: LoadProgress) => void,
	signal?: AbortSignal,
): Promise<{ client: RuntimeClient; info: ModelInfo }> {
	const runtime = await prefetchRuntime();
	return { client: runtime, info: await runtime.load({}, onProgress, { signal }) };
}

/** A reader-facing description of anything the runtime threw. */
export function toFailure(error: unknown): RuntimeFailure {
	const kind = (error as { kind?: unknown } | null)?.kind;
	const message = error instanceof Error ? error.message : String(error);
	if (typeof kind === 'string') return { kind: kind as RuntimeFailure['kind'], message };
	// A chunk that failed to download (offline, deploy in progress) surfaces as a TypeError from import().
	if (error instanceof TypeError && /import|module|fetch/i.test(message)) return { kind: 'script', message };
	return { kind: 'internal', message };
}

export function failureMessage(f: RuntimeFailure): string {
	switch (f.kind) {
		case 'network':
			return `The model could not be downloaded (${f.message}). Check your connection and retry.`;
		case 'stalled':
			return `The download stopped: no data arrived for a while (${f.message}). Retry to try again.`;
		case 'not-found':
			return `A model file is missing from this site (${f.message}). Retrying will not help; please report it.`;
		case 'server':
			return `The server could not send the model (${f.message}). Retry in a moment.`;
		case 'load':
			return `The model failed to load: ${f.message}`;
		case 'corrupt-model':
			return `The model files are damaged or incomplete (${f.message}). Retry to download them again.`;
		case 'no-backend':
			return `This browser can run neither WebGPU nor WebAssembly for the model: ${f.message}`;
		case 'bad-settings':
			return `Those settings don't work: ${f.message}`;
		case 'cancelled':
			return `Stopped while loading: ${f.message}`;
		case 'script':
			return `The runtime's code could not be downloaded (${f.message}). Retry, or reload the page.`;
		default:
			return `Something went wrong inside the runtime: ${f.message}`;
	}
}

/** Download progress as the status panel shows it. */
export function describeProgress(p: LoadProgress): PrepareProgress {
	if (p.overallTotal > 0) {
		return {
			loaded: p.overallLoaded,
			total: p.overallTotal,
			label: `Downloading the model: ${(p.overallLoaded / 1e6).toFixed(1)} of ${(p.overallTotal / 1e6).toFixed(1)} MB`,
		};
	}
	return {
		loaded: p.loaded,
		total: 0,
		label: `Downloading ${p.file.split('/').pop()}: ${(p.loaded / 1e6).toFixed(1)} MB`,
	};
}

/** The continuous loop's scheduler, as a page sets it (unset: one slot per request, no memory pressure). */
export interface SchedulerOptions {
	slots?: number;
	policy?: 'continuous' | 'static';
	kvBlocks?: number;
}

/** What a page may add to a loop's run beyond the reader's settings. */
export interface LoopOptions {
	/** Attach each step's raw logits to its select event (generate and stream loops only). */
	reportLogits?: ReportLogits;
	scheduler?: SchedulerOptions;
}

/** A named loop's input and settings, from the reader's settings. Loops over several sequences
 *  (batched, continuous) take one prompt per line of the prompt field. */
export function loopArguments<L extends LoopName>(
	loop: L,
	s: ReaderSettings,
	topCandidates: number,
	{ reportLogits, scheduler = {} }: LoopOptions = {},
): { input: LoopInput<L>; settings: LoopSettings<L> } {
	// Only the generate and stream loops report logits; the batched loop refuses the setting by name.
	const generate = toGenerateSettings(
		s,
		topCandidates,
		loop === 'generate' || loop === 'stream' ? reportLogits : undefined,
	);
	switch (loop) {
		case 'stream': {
			const { mode: _cachedAlways, ...stream } = generate;
			return { input: s.prompt, settings: stream } as never;
		}
		case 'batched':
			return { input: promptRows(s.prompt), settings: generate } as never;
		case 'continuous': {
			const requests = promptRows(s.prompt).map((prompt) => ({ prompt, maxNewTokens: s.maxNewTokens }));
			return {
				input: { requests },
				settings: {
					slots: scheduler.slots ?? requests.length,
					...(scheduler.policy ? { policy: scheduler.policy } : {}),
					...(scheduler.kvBlocks ? { kvBlocks: scheduler.kvBlocks } : {}),
					sampling: generate.sampling,
					topCandidates,
				},
			} as never;
		}
		default:
			return { input: s.prompt, settings: generate } as never;
	}
}

/** Each prompt's greedy tokens (prompt included) when it runs alone: lesson 1's cached loop, one
 *  request at a time, in the page's runtime. What a scheduler's output is checked against. */
export async function soloGreedyIds(prompts: readonly string[], maxNewTokens: number): Promise<number[][]> {
	const runtime = await prefetchRuntime();
	const all: number[][] = [];
	for (const prompt of prompts) {
		const handle = runtime.run('generate', prompt, {
			maxNewTokens,
			mode: 'cached',
			topCandidates: 1,
			sampling: { strategy: 'greedy' },
		});
		let ids: number[] = [];
		for await (const event of handle) if (event.step === 'done') ids = event.ids;
		all.push(ids);
	}
	return all;
}

/** The real runtime as a run controller's source: one named loop, one shared model per page. */
export function runtimeSource<L extends LoopName>(
	loop: L,
	topCandidates: number,
	options: LoopOptions = {},
): RunSource<ReaderSettings, LoopEvent<L>, ModelInfo> {
	let client: RuntimeClient | undefined;
	return {
		async prepare(onProgress, signal) {
			const loaded = await ensureModel((p) => onProgress(describeProgress(p)), signal);
			client = loaded.client;
			return loaded.info;
		},
		start(settings, { startPaused }) {
			if (!client) throw new Error('the runtime is not loaded');
			const args = loopArguments(loop, settings, topCandidates, options);
			// realtime: while the reader does not pause, the worker may run a few tokens ahead (pause and step stay exact).
			const handle = client.run(loop, args.input, args.settings, { startPaused, realtime: true });
			// Errors arrive through the iterator too.
			handle.done.catch(() => {});
			return handle;
		},
		describeFailure: (error) => failureMessage(toFailure(error)),
	};
}

/** Each prompt's greedy (or seeded) run on its own, B = 1, as row r of a batch would make it:
 *  row r samples with seed + r. Remembered per prompt and settings, so a sweep runs each once. */
const aloneRuns = new Map<string, Promise<number[]>>();
export async function runAlone(
	prompts: readonly string[],
	s: ReaderSettings,
	topCandidates: number,
): Promise<number[][]> {
	const { client } = await ensureModel(() => {});
	const one = (prompt: string, row: number): Promise<number[]> => {
		const settings = { ...s, prompt, seed: s.strategy === 'sample' ? (s.seed + row) >>> 0 : s.seed };
		const key = JSON.stringify(settings);
		let ids = aloneRuns.get(key);
		if (!ids) {
			const args = loopArguments('batched', settings, topCandidates);
			ids = client.run('batched', args.input, args.settings).done.then((d) => d.rows[0]!.ids);
			ids.catch(() => aloneRuns.delete(key));
			aloneRuns.set(key, ids);
		}
		return ids;
	};
	// One at a time: the page's other runs share the worker, and the check should not crowd them.
	const out: number[][] = [];
	for (const [r, p] of prompts.entries()) out.push(await one(p, r));
	return out;
}

/** One run of the stream loop as lesson 3's sweeps time it: plain numbers from the loop's own clock. */
export interface TimedStreamRun {
	promptTokens: number;
	prefillMs: number;
	/** When each output token existed, ms from the loop's start (the model already loaded). */
	tokenTimesMs: number[];
	generatedText: string;
	reason: string;
}

/**
 * A greedy run of the stream loop for a timing sweep. `ignoreEos` (the default) keeps it going past
 * the stop token, as benchmarks do, so it makes exactly `maxNewTokens` tokens. Load the model first
 * (`ensureModel`); `signal` stops the run.
 */
export async function timedStreamRun(
	prompt: string,
	maxNewTokens: number,
	{ ignoreEos = true, signal }: { ignoreEos?: boolean; signal?: AbortSignal } = {},
): Promise<TimedStreamRun> {
	const runtime = await prefetchRuntime();
	const handle = runtime.run(
		'stream',
		prompt,
		{ maxNewTokens, sampling: { strategy: 'greedy' }, topCandidates: 1, ignoreEos },
		// As the widgets run: the worker may run a few tokens ahead of this reader.
		{ realtime: true },
	);
	const stop = () => handle.stop();
	signal?.addEventListener('abort', stop, { once: true });
	const tokenTimesMs: number[] = [];
	try {
		for await (const ev of handle) {
			if (ev.step === 'token') tokenTimesMs.push(ev.atMs);
			if (ev.step === 'done') {
				signal?.throwIfAborted();
				return {
					promptTokens: ev.stats.promptTokens,
					prefillMs: ev.stats.prefillMs,
					tokenTimesMs,
					generatedText: ev.generatedText,
					reason: ev.reason,
				};
			}
		}
	} finally {
		signal?.removeEventListener('abort', stop);
	}
	throw new Error('The stream loop ended without its done event.');
}
