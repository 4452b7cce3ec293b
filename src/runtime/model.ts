/**
 * A causal LM behind a small session interface: the one thing the loop needs
 * from ONNX Runtime is "run these feeds". The same class wraps onnxruntime-web
 * in the browser and in Node tests, so the loop under test is the loop that
 * ships.
 */

import type { Tensor } from 'onnxruntime-web';
import { NO_PAST, assembleBatch } from './batch';
import { KVCache, pastInputNames, presentOutputNames, stepOutputNames } from './kv-cache';

/** The slice of an ORT InferenceSession the runtime uses. */
export interface SessionLike {
	readonly inputNames: readonly string[];
	readonly outputNames: readonly string[];
	/** With `fetches`, only those outputs are computed out of the session. */
	run(feeds: Record<string, Tensor>, fetches?: readonly string[]): Promise<Record<string, Tensor>>;
	release?(): Promise<void>;
}

/** The ORT Tensor constructor, taken from whichever ORT build was loaded. */
export type TensorCtor = new (type: any, data: any, dims: readonly number[]) => Tensor;

export interface ModelConfig {
	contextSize: number;
	vocabSize: number;
	eosId: number;
	bosId: number;
	numLayers: number;
	numHeads: number;
	headDim: number;
}

/** One row of new token ids (B = 1), or B rows of different lengths. */
export type ForwardInput = ArrayLike<number> | readonly ArrayLike<number>[];

export interface ForwardResult {
	/** Row 0's last-position logits: a view into this pass's output (ORT copies outputs out of its heap, so it stays valid). */
	lastLogits: Float32Array;
	/** Every row's last-position logits (views, no copies); row 0 is `lastLogits`. */
	rows: Float32Array[];
	/** Padding columns this pass fed, over all rows. */
	padding: number;
	/** Wall time of session.run, ms (excludes waiting for another run's turn). */
	ms: number;
}

const now = () => performance.now();
/** A naive pass keeps nothing but the logits. */
const LOGITS_ONLY = ['logits'];

function isRows(input: ForwardInput): input is readonly ArrayLike<number>[] {
	return input.length > 0 && typeof input[0] !== 'number';
}

export class CausalLM {
	private readonly pastNames: string[];
	private readonly presentNames: string[];
	/** The model's `step.*` outputs (each pass's new keys and values) when it has them: the cache then
	 *  appends those in place instead of taking the whole `present.*` cache back every pass. */
	private readonly stepNames: string[] | null;
	/** What a cached pass fetches: only what is used, since every fetched output is copied out of ORT's heap. */
	private readonly cachedFetches: string[] | undefined;
	/** Serialises session.run: several runs may interleave, but one pass at a time. */
	private turn: Promise<unknown> = Promise.resolve();

	constructor(
		readonly session: SessionLike,
		readonly Tensor: TensorCtor,
		readonly config: ModelConfig,
	) {
		this.pastNames = pastInputNames(config.numLayers);
		this.presentNames = presentOutputNames(config.numLayers);
		for (const name of ['input_ids', 'attention_mask', 'position_ids', ...this.pastNames]) {
			if (!session.inputNames.includes(name)) {
				throw new Error(`model has no input "${name}" (expected a GPT-2 ONNX export with past key values)`);
			}
		}
		for (const name of ['logits', ...this.presentNames]) {
			if (!session.outputNames.includes(name)) throw new Error(`model has no output "${name}"`);
		}
		const step = stepOutputNames(config.numLayers);
		this.stepNames = step.every((name) => session.outputNames.includes(name)) ? step : null;
		this.cachedFetches = this.stepNames ? ['logits', ...this.stepNames] : undefined;
	}

	newCache(rows = 1): KVCache {
		const { numLayers, numHeads, headDim } = this.config;
		return new KVCache({ numLayers, numHeads, headDim }, this.Tensor, this.pastNames, rows);
	}

	/**
	 * Runs each row's `tokens` (the positions after whatever `cache` holds for
	 * that row) through the model as one pass, rows left-padded to a common
	 * length. With no cache this is the naive pass over whole sequences; with
	 * one, the new keys/values (and their mask) are stored back into it.
	 */
	forward(input: ForwardInput, cache: KVCache | null): Promise<ForwardResult> {
		const result = this.turn.then(() => this.run(isRows(input) ? input : [input], cache));
		this.turn = result.catch(() => undefined);
		return result;
	}

	private async run(rows: readonly ArrayLike<number>[], cache: KVCache | null): Promise<ForwardResult> {
		const batch = assembleBatch(rows, cache ? cache.past : NO_PAST, this.config.eosId);
		const { rows: b, width, total } = batch;
		const feeds: Record<string, Tensor> = {
			input_ids: new this.Tensor('int64', batch.inputIds, [b, width]),
			attention_mask: new this.Tensor('int64', batch.attentionMask, [b, total]),
			position_ids: new this.Tensor('int64', batch.positionIds, [b, width]),
		};
		(cache ?? this.emptyCache(b)).feed(feeds, b);

		const t0 = now();
		const out = await this.session.run(feeds, cache ? this.cachedFetches : LOGITS_ONLY);
		const ms = now() - t0;

		if (cache && this.stepNames) cache.append(out, this.stepNames, batch.attentionMask, batch.realLengths);
		else if (cache) cache.update(out, this.presentNames, batch.attentionMask, batch.realLengths);
		const data = out.logits!.data as Float32Array;
		const vocab = this.config.vocabSize;
		const last: Float32Array[] = [];
		for (let r = 0; r < b; r++) {
			const end = (r * width + width) * vocab;
			last.push(data.subarray(end - vocab, end));
		}
		return { lastLogits: last[0]!, rows: last, padding: batch.padding, ms };
	}

	/** Naive passes feed an empty past, one per batch size. */
	private readonly empties = new Map<number, KVCache>();
	private emptyCache(rows: number): KVCache {
		let c = this.empties.get(rows);
		if (!c) this.empties.set(rows, (c = this.newCache(rows)));
		return c;
	}

	async release(): Promise<void> {
		await this.session.release?.();
	}
}

/** Reads the fields the loop needs from a Hugging Face GPT-2 style config.json. */
export function modelConfigFrom(config: Record<string, unknown>): ModelConfig {
	const num = (key: string, ...alts: string[]): number => {
		for (const k of [key, ...alts]) {
			const v = config[k];
			if (typeof v === 'number' && Number.isFinite(v)) return v;
		}
		throw new Error(`config.json has no numeric "${key}"`);
	};
	const numHeads = num('n_head', 'num_attention_heads');
	const hidden = num('n_embd', 'hidden_size');
	const eos = config.eos_token_id;
	const eosId = typeof eos === 'number' ? eos : Array.isArray(eos) && typeof eos[0] === 'number' ? eos[0] : NaN;
	if (!Number.isInteger(eosId)) throw new Error('config.json has no eos_token_id');
	const bos = config.bos_token_id;
	return {
		contextSize: num('n_positions', 'max_position_embeddings', 'n_ctx'),
		vocabSize: num('vocab_size'),
		eosId,
		bosId: typeof bos === 'number' ? bos : eosId,
		numLayers: num('n_layer', 'num_hidden_layers'),
		numHeads,
		headDim: hidden / numHeads,
	};
}
