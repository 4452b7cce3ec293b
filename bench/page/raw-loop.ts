/**
 * Contestant (a), the raw onnxruntime-web loop, in one place for both threads: the bench page runs
 * it on the main thread, and bench/page/raw-worker.ts runs the same code in a dedicated worker (a†),
 * which separates what a worker thread itself costs from what the runtime's protocol costs.
 */
import * as ort from 'onnxruntime-web/wasm';
import { pastInputNames, presentOutputNames } from '../../src/runtime/kv-cache';
import { sessionOptions } from '../../src/runtime/backend';

type Tensor = ort.Tensor;

export const MODEL_DIR = 'models/kjv-gpt-2m/';
export const MODEL_FILE = 'onnx/model_quantized.onnx';
const N_LAYERS = 4;
const N_HEADS = 4;
const HEAD_DIM = 48;
const VOCAB = 2048;

export interface RawResult {
	ms: number;
	tokens: number;
	ids: number[];
	/** Sum of session.run's own time. */
	runMs: number;
}

const now = () => performance.now();

export function configureOrt(ortBase: string): void {
	ort.env.wasm.numThreads = 1;
	ort.env.wasm.proxy = false;
	ort.env.wasm.wasmPaths = {
		mjs: `${ortBase}ort-wasm-simd-threaded.mjs`,
		wasm: `${ortBase}ort-wasm-simd-threaded.wasm`,
	};
	ort.env.logLevel = 'error';
}

/** The runtime's own session options (src/runtime/backend.ts), so (a) differs from (c) only in the loop around session.run. */
export const wasmSessionOptions = (): ort.InferenceSession.SessionOptions => sessionOptions('wasm');

export const pastNames = pastInputNames(N_LAYERS);
export const presentNames = presentOutputNames(N_LAYERS);
/** What a raw loop fetches: the logits and the whole cache back (not the model's `step.*`, which the runtime appends itself). */
export const rawFetches = ['logits', ...presentNames];

export function emptyPast(rows = 1): Record<string, Tensor> {
	const feeds: Record<string, Tensor> = {};
	for (const n of pastNames) feeds[n] = new ort.Tensor('float32', new Float32Array(0), [rows, N_HEADS, 0, HEAD_DIM]);
	return feeds;
}

export function feedsFor(
	tokens: ArrayLike<number>,
	pastLen: number,
	past: Record<string, Tensor>,
): Record<string, Tensor> {
	const n = tokens.length;
	const ids = new BigInt64Array(n);
	const pos = new BigInt64Array(n);
	for (let i = 0; i < n; i++) {
		ids[i] = BigInt(tokens[i]!);
		pos[i] = BigInt(pastLen + i);
	}
	return {
		input_ids: new ort.Tensor('int64', ids, [1, n]),
		attention_mask: new ort.Tensor('int64', new BigInt64Array(pastLen + n).fill(1n), [1, pastLen + n]),
		position_ids: new ort.Tensor('int64', pos, [1, n]),
		...past,
	};
}

export function argmaxLast(logits: Tensor, n: number, vocab = VOCAB): number {
	const data = logits.data as Float32Array;
	const off = (n - 1) * vocab;
	let best = 0;
	let bestVal = data[off]!;
	for (let i = 1; i < vocab; i++) {
		const v = data[off + i]!;
		if (v > bestVal) {
			bestVal = v;
			best = i;
		}
	}
	return best;
}

/** (a): session.run with the KV cache, argmax, nothing else. `eosId` only for calibration. */
export async function rawLoop(
	session: ort.InferenceSession,
	promptIds: number[],
	n: number,
	eosId = -1,
): Promise<RawResult> {
	const t0 = now();
	let past = emptyPast();
	let pastLen = 0;
	let input: number[] = promptIds;
	const out: number[] = [];
	let runMs = 0;
	for (let i = 0; i < n; i++) {
		const feeds = feedsFor(input, pastLen, past);
		const tr = now();
		const r = await session.run(feeds, rawFetches);
		runMs += now() - tr;
		const next = argmaxLast(r.logits!, input.length);
		out.push(next);
		pastLen += input.length;
		const nextPast: Record<string, Tensor> = {};
		for (let j = 0; j < pastNames.length; j++) nextPast[pastNames[j]!] = r[presentNames[j]!]!;
		past = nextPast;
		input = [next];
		if (next === eosId) break;
	}
	return { ms: now() - t0, tokens: out.length, ids: out, runMs };
}
