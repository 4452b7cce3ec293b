/**
 * A causal LM behind a small session interface: the one thing the loop needs
 * from ONNX Runtime is "run these feeds". The same class wraps onnxruntime-web
 * in the browser and in Node tests, so the loop under test is the loop that
 * ships.
 */

import type { Tensor } from 'onnxruntime-web';
import { KVCache, pastInputNames, presentOutputNames } from './kv-cache';

/** The slice of an ORT InferenceSession the runtime uses. */
export interface SessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
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

export interface ForwardResult {
  /** Logits of the last position only: a view into the output, valid until the next forward. */
  lastLogits: Float32Array;
  /** Wall time of session.run, ms (excludes waiting for another run's turn). */
  ms: number;
}

const now = () => performance.now();

export class CausalLM {
  private readonly pastNames: string[];
  private readonly presentNames: string[];
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
  }

  newCache(): KVCache {
    const { numLayers, numHeads, headDim } = this.config;
    return new KVCache({ numLayers, numHeads, headDim }, this.Tensor, this.pastNames);
  }

  /**
   * Runs `tokens` (the positions after whatever `cache` holds) through the model.
   * With no cache this is the naive pass over the whole sequence; with one, the
   * new keys/values are stored back into it.
   */
  forward(tokens: ArrayLike<number>, cache: KVCache | null): Promise<ForwardResult> {
    const result = this.turn.then(() => this.run(tokens, cache));
    this.turn = result.catch(() => undefined);
    return result;
  }

  private async run(tokens: ArrayLike<number>, cache: KVCache | null): Promise<ForwardResult> {
    const n = tokens.length;
    const past = cache ? cache.length : 0;
    const total = past + n;
    const ids = new BigInt64Array(n);
    const pos = new BigInt64Array(n);
    for (let i = 0; i < n; i++) {
      ids[i] = BigInt(tokens[i]!);
      pos[i] = BigInt(past + i);
    }
    const feeds: Record<string, Tensor> = {
      input_ids: new this.Tensor('int64', ids, [1, n]),
      attention_mask: new this.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]),
      position_ids: new this.Tensor('int64', pos, [1, n]),
    };
    (cache ?? this.emptyCache()).feed(feeds);

    const t0 = now();
    const out = await this.session.run(feeds);
    const ms = now() - t0;

    if (cache) cache.update(out, this.presentNames);
    const logits = out.logits!;
    const data = logits.data as Float32Array;
    const vocab = this.config.vocabSize;
    const lastLogits = data.subarray((n - 1) * vocab, n * vocab);
    return { lastLogits, ms };
  }

  private empty?: KVCache;
  private emptyCache(): KVCache {
    return (this.empty ??= this.newCache());
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
