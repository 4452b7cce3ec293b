/**
 * The steps between a forward pass and the next token, as small composable
 * logits processors (the shape of transformers.js's LogitsProcessor list):
 * temperature, then top-k, then top-p, then softmax and a draw.
 *
 * Each processor is a pure function from one step's logits to new logits, with
 * the tokens it cuts set to -Infinity, so softmax gives them probability 0 and
 * renormalises the rest. Nothing here touches the DOM or ONNX Runtime: a page
 * can import this module and redraw a step's candidate bars from its logits
 * for any setting, without running the model again.
 *
 * Order and ties are defined, so the page and the loop agree to the last bit:
 * tokens are ranked by value, largest first, and equal values by token id,
 * lowest first (the rule argmax follows).
 */

/** One step's scores, one per token id: Float32Array from the model, Float64Array after a processor. */
export type Logits = ArrayLike<number>;

/** A pure function: never writes to its input. */
export type LogitsProcessor = (logits: Logits) => Float64Array;

/** Divides every logit by T (> 0). T < 1 sharpens the distribution, T > 1 flattens it, T = 1 leaves it. */
export function temperature(t: number): LogitsProcessor {
	if (!(t > 0) || !Number.isFinite(t)) throw new RangeError(`temperature must be a finite number > 0, got ${t}`);
	return (logits) => {
		const out = Float64Array.from(logits);
		if (t !== 1) for (let i = 0; i < out.length; i++) out[i] = out[i]! / t;
		return out;
	};
}

/**
 * Keeps the k highest logits and cuts the rest. Exactly k tokens survive: when
 * tokens tie at the k-th place, the lower ids are kept (Hugging Face's
 * TopKLogitsWarper keeps every tied token instead, so it can keep more than k).
 * k ≤ 0 or k ≥ the vocabulary keeps everything. Tokens already cut stay cut.
 */
export function topK(k: number): LogitsProcessor {
	if (!Number.isInteger(k)) throw new RangeError(`top-k must be an integer, got ${k}`);
	return (logits) => {
		const out = Float64Array.from(logits);
		if (k <= 0 || k >= out.length) return out;
		keepFirst(out, out, k);
		return out;
	};
}

/**
 * Nucleus sampling: keeps the smallest set of most likely tokens whose
 * probability adds up to at least p, including the token that crosses p, and
 * cuts the rest. So the most likely token always survives, and p = 1 keeps
 * everything. Tokens tied at the boundary are taken lowest id first.
 */
export function topP(p: number): LogitsProcessor {
	if (!(p > 0 && p <= 1)) throw new RangeError(`top-p must be in (0, 1], got ${p}`);
	return (logits) => {
		const out = Float64Array.from(logits);
		if (p >= 1) return out;
		const probs = softmax(out);
		const sorted = descending(probs);
		let acc = 0;
		let count = 0;
		while (count < sorted.length) {
			acc += sorted[count]!;
			count++;
			if (acc >= p) break;
		}
		keepFirst(out, probs, count, sorted);
		return out;
	};
}

/** Runs processors left to right. */
export function compose(...processors: LogitsProcessor[]): LogitsProcessor {
	return (logits) => processors.reduce<Float64Array>((acc, proc) => proc(acc), Float64Array.from(logits));
}

/**
 * Softmax that cannot overflow: subtracting the max keeps every exponent ≤ 0,
 * and the sum is accumulated in float64. Cut tokens (-Infinity) get 0.
 */
export function softmax(logits: Logits, out: Float64Array = new Float64Array(logits.length)): Float64Array {
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
export function argmax(logits: Logits): number {
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

/** The k ids with the largest values, largest first (ties to the lower id); no full sort. */
export function topIndices(values: Logits, k: number): number[] {
	const n = values.length;
	k = Math.min(k, n);
	const ids: number[] = [];
	for (let i = 0; i < n; i++) {
		const v = values[i]!;
		if (ids.length === k && v <= values[ids[k - 1]!]!) continue;
		let j = ids.length < k ? ids.length : k - 1;
		ids[j] = i;
		while (j > 0 && values[ids[j - 1]!]! < v) {
			ids[j] = ids[j - 1]!;
			ids[j - 1] = i;
			j--;
		}
	}
	return ids;
}

/** Every id ranked by value, largest first, ties to the lower id. */
export function rankIds(values: Logits, ids: ArrayLike<number> = identity(values.length)): Int32Array {
	return Int32Array.from(ids).sort((a, b) => values[b]! - values[a]! || a - b);
}

/** The values sorted largest first (a native numeric sort: no comparator). */
function descending(values: Logits): Float64Array {
	return Float64Array.from(values).sort().reverse();
}

function identity(n: number): Int32Array {
	const ids = new Int32Array(n);
	for (let i = 0; i < n; i++) ids[i] = i;
	return ids;
}

/**
 * Cuts `out` to the first `count` tokens in rank order of `by` (value desc, id
 * asc), in O(n) after a native sort: every token above the count-th value
 * stays, then tokens equal to it, lowest id first, until `count` are kept.
 */
function keepFirst(out: Float64Array, by: Logits, count: number, sorted: Float64Array = descending(by)): void {
	const boundary = sorted[count - 1]!;
	let above = 0;
	while (above < count && sorted[above]! > boundary) above++;
	let tiesLeft = count - above;
	for (let i = 0; i < out.length; i++) {
		const v = by[i]!;
		if (v > boundary) continue;
		if (v === boundary && tiesLeft > 0) tiesLeft--;
		else out[i] = -Infinity;
	}
}
