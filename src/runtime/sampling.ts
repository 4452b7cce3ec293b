/**
 * Choosing the next token from the last position's logits.
 *
 * Pure and DOM-free so it can be tested on hand-made logits. The order of the
 * filters follows Hugging Face's generate(): temperature, then top-k, then
 * top-p, then draw. A `Sampler` owns scratch buffers sized to the vocabulary so
 * the per-token hot path allocates only the few candidates it reports.
 */

import type { Candidate, Sampling } from './events';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG. Same seed, same stream. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Softmax that cannot overflow: subtracting the max keeps every exponent ≤ 0,
 * and the sum is accumulated in float64.
 */
export function softmax(logits: ArrayLike<number>, out: Float64Array = new Float64Array(logits.length)): Float64Array {
  const n = logits.length;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === -Infinity) {
    // Every logit masked: fall back to uniform rather than NaN.
    out.fill(1 / n, 0, n);
    return out;
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] = out[i]! / sum;
  return out;
}

/** Index of the largest logit; ties go to the lowest index, like argmax in NumPy/PyTorch. */
export function argmax(logits: ArrayLike<number>): number {
  let best = 0;
  let bestVal = logits[0]!;
  for (let i = 1; i < logits.length; i++) {
    if (logits[i]! > bestVal) {
      bestVal = logits[i]!;
      best = i;
    }
  }
  return best;
}

export interface Selection {
  id: number;
  /** Probability the chosen token had in the distribution it was drawn from. */
  prob: number;
  logit: number;
  /** The top tokens by logit, with the probabilities of that distribution. */
  candidates: Array<Omit<Candidate, 'token'>>;
}

export class Sampler {
  private readonly order: Int32Array;
  private readonly scaled: Float64Array;
  private readonly probs: Float64Array;
  private readonly rng: () => number;

  constructor(
    readonly vocabSize: number,
    readonly sampling: Sampling,
    readonly topCandidates = 5,
  ) {
    this.order = new Int32Array(vocabSize);
    this.scaled = new Float64Array(vocabSize);
    this.probs = new Float64Array(vocabSize);
    this.rng = mulberry32(sampling.strategy === 'sample' ? sampling.seed : 0);
  }

  select(logits: ArrayLike<number>): Selection {
    return this.sampling.strategy === 'greedy' ? this.greedy(logits) : this.sample(logits, this.sampling);
  }

  /**
   * The probabilities `select` would draw from, by token id (filtered tokens get 0).
   * For tests and for showing the whole distribution; not used by the loop.
   */
  distribution(logits: ArrayLike<number>): Float64Array {
    const out = new Float64Array(this.vocabSize);
    if (this.sampling.strategy === 'greedy') return softmax(logits, out);
    const kept = this.filter(logits, this.sampling);
    for (let r = 0; r < kept.count; r++) out[this.order[r]!] = this.probs[r]! / kept.mass;
    return out;
  }

  private greedy(logits: ArrayLike<number>): Selection {
    const n = this.vocabSize;
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(logits[i]! - max);
    const top = topIndices(logits, this.topCandidates);
    const candidates = top.map((id) => ({ id, logit: logits[id]!, prob: Math.exp(logits[id]! - max) / sum }));
    const chosen = candidates[0]!;
    return { id: chosen.id, prob: chosen.prob, logit: chosen.logit, candidates };
  }

  private sample(logits: ArrayLike<number>, s: Extract<Sampling, { strategy: 'sample' }>): Selection {
    const { count, mass } = this.filter(logits, s);
    const order = this.order;
    const probs = this.probs;
    // Inverse-CDF draw over the kept tokens, in descending order.
    const r = this.rng() * mass;
    let acc = 0;
    let pick = count - 1;
    for (let i = 0; i < count; i++) {
      acc += probs[i]!;
      if (r < acc) {
        pick = i;
        break;
      }
    }
    const k = Math.min(this.topCandidates, this.vocabSize);
    const candidates: Selection['candidates'] = [];
    for (let i = 0; i < k; i++) {
      const id = order[i]!;
      candidates.push({ id, logit: logits[id]!, prob: i < count ? probs[i]! / mass : 0 });
    }
    const id = order[pick]!;
    return { id, prob: probs[pick]! / mass, logit: logits[id]!, candidates };
  }

  /**
   * Leaves `order[0..count)` = kept token ids by descending logit and
   * `probs[0..count)` = their unnormalised probabilities summing to `mass`.
   */
  private filter(logits: ArrayLike<number>, s: Extract<Sampling, { strategy: 'sample' }>): { count: number; mass: number } {
    const n = this.vocabSize;
    const order = this.order;
    const scaled = this.scaled;
    const probs = this.probs;
    const invT = 1 / s.temperature;
    for (let i = 0; i < n; i++) {
      scaled[i] = logits[i]! * invT;
      order[i] = i;
    }
    // Ties broken by id so the order (and thus a seeded run) is fully determined.
    order.sort((a, b) => scaled[b]! - scaled[a]! || a - b);

    let count = s.topK > 0 ? Math.min(s.topK, n) : n;
    const max = scaled[order[0]!]!;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      const e = Math.exp(scaled[order[i]!]! - max);
      probs[i] = e;
      sum += e;
    }
    if (s.topP < 1) {
      // Smallest prefix whose probability reaches p (the crossing token is kept).
      const target = s.topP * sum;
      let acc = 0;
      let i = 0;
      while (i < count) {
        acc += probs[i]!;
        i++;
        if (acc >= target) break;
      }
      count = i;
      sum = acc;
    }
    return { count, mass: sum };
  }
}

/** The k ids with the largest logits, largest first (ties to the lower id); no full sort. */
export function topIndices(logits: ArrayLike<number>, k: number): number[] {
  const n = logits.length;
  k = Math.min(k, n);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = logits[i]!;
    if (ids.length === k && v <= logits[ids[k - 1]!]!) continue;
    let j = ids.length < k ? ids.length : k - 1;
    ids[j] = i;
    while (j > 0 && logits[ids[j - 1]!]! < v) {
      ids[j] = ids[j - 1]!;
      ids[j - 1] = i;
      j--;
    }
  }
  return ids;
}
