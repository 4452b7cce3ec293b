/**
 * The in-page half of the scaling entries (bench/run.mjs, section `scaling`): the runtime's own
 * named loops through its worker, as the lessons run them, timed by the loops' own events.
 *
 *  - positionRun: one pass per position. Naive is the generate loop in mode 'naive' (each pass
 *    feeds the whole sequence: `forward {sequenceLength, ms}`); cached is the stream loop (each
 *    decode pass feeds one token over the cache: `decode {position, ms}`; the prefill, one pass
 *    over the whole prompt, is left out). A pass's position is that of the last token it feeds.
 *  - batchRun: the batched loop over B prompts; its done stats give the tokens and the loop's own
 *    busy time (`BatchedStats.totalMs`, which leaves out time the page held it).
 */
import { getRuntime } from '../../src/runtime/index';
import type { Sampling } from '../../src/runtime/index';
import type { ForcedRun } from './raw-forced';
import { MODEL_DIR, MODEL_FILE } from './raw-loop';
import { askWorker } from './ask-worker';

export interface PassTime {
	position: number;
	ms: number;
}

export interface PositionRun {
	passes: PassTime[];
	reason: string;
	promptTokens: number;
	newTokens: number;
	ids: number[];
	/** The whole sequence, prompt included (what the raw loop is fed). */
	allIds: number[];
	wallMs: number;
}

export interface BatchRun {
	rows: number;
	newTokens: number;
	/** The loop's busy time (done stats). */
	loopMs: number;
	wallMs: number;
	forwardPasses: number;
	paddingTokens: number;
	/** Sum of the loop's forward passes (session.run), ms. */
	forwardMs: number;
	/** Generated ids of each row, and why it stopped. */
	rowIds: number[][];
	/** Each row's whole sequence and prompt length (what the raw loop is fed). */
	allIds: number[][];
	promptLengths: number[];
	reasons: string[];
}

const now = () => performance.now();

/** Loads the runtime worker alone (the per-token section's init loads every contestant). */
export async function loadRuntime(): Promise<{ backend: unknown; eosId: number }> {
	const info = await getRuntime().load({});
	return { backend: info.backend, eosId: info.eosId };
}

export async function positionRun(
	mode: 'naive' | 'cached',
	prompt: string,
	maxNewTokens: number,
	sampling: Sampling,
): Promise<PositionRun> {
	const rt = getRuntime();
	const passes: PassTime[] = [];
	const t0 = now();
	if (mode === 'naive') {
		let done;
		for await (const ev of rt.run('generate', prompt, { maxNewTokens, mode: 'naive', sampling })) {
			if (ev.step === 'forward') passes.push({ position: ev.sequenceLength - 1, ms: ev.ms });
			if (ev.step === 'done') done = ev;
		}
		if (!done) throw new Error('bench: the generate loop ended without a done event');
		const newTokens = done.stats.newTokens;
		const promptTokens = done.ids.length - newTokens;
		return {
			passes,
			reason: done.reason,
			promptTokens,
			newTokens,
			ids: done.ids.slice(promptTokens),
			allIds: done.ids,
			wallMs: now() - t0,
		};
	}
	let done;
	for await (const ev of rt.run('stream', prompt, { maxNewTokens, sampling })) {
		if (ev.step === 'decode') passes.push({ position: ev.position, ms: ev.ms });
		if (ev.step === 'done') done = ev;
	}
	if (!done) throw new Error('bench: the stream loop ended without a done event');
	const { promptTokens, newTokens } = done.stats;
	return {
		passes,
		reason: done.reason,
		promptTokens,
		newTokens,
		ids: done.ids.slice(promptTokens),
		allIds: done.ids,
		wallMs: now() - t0,
	};
}

export async function batchRun(prompts: string[], maxNewTokens: number): Promise<BatchRun> {
	const rt = getRuntime();
	const t0 = now();
	let done;
	for await (const ev of rt.run('batched', prompts, {
		maxNewTokens,
		mode: 'cached',
		sampling: { strategy: 'greedy' },
	}))
		if (ev.step === 'done') done = ev;
	const wallMs = now() - t0;
	if (!done) throw new Error('bench: the batched loop ended without a done event');
	return {
		rows: done.stats.rows,
		newTokens: done.stats.newTokens,
		loopMs: done.stats.totalMs,
		wallMs,
		forwardPasses: done.stats.forwardPasses,
		paddingTokens: done.stats.paddingTokens,
		forwardMs: done.stats.perStepMs.reduce((a, b) => a + b, 0),
		rowIds: done.rows.map((r) => r.ids.slice(r.promptLength)),
		allIds: done.rows.map((r) => r.ids),
		promptLengths: done.rows.map((r) => r.promptLength),
		reasons: done.rows.map((r) => r.reason),
	};
}

// ---- the raw side: the same tokens through a bare session.run loop in its own worker (raw-forced.ts)

let rawWorker: Worker | undefined;
const askRaw = <T>(message: unknown): Promise<T> => askWorker<T>(rawWorker!, message);

/** Starts the raw worker: the same ORT build, model file and session options as the runtime's. */
export async function loadRaw(): Promise<void> {
	const base = new URL(import.meta.env.BASE_URL || '/', location.href).href;
	rawWorker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module', name: 'bench-raw-forced' });
	await askRaw({
		type: 'init',
		ortBase: new URL('ort/', base).href,
		modelFileUrl: new URL(MODEL_FILE, new URL(MODEL_DIR, base)).href,
	});
}

/** The runtime's sequences (each prompt, then its tokens) fed back through the raw loop, B rows at a time. */
export function rawForcedRun(rows: number[][], promptLengths: number[], padId: number): Promise<ForcedRun> {
	if (!rawWorker) throw new Error('bench: loadRaw() first');
	return askRaw<ForcedRun>({ type: 'forced', rows, promptLengths, padId });
}
