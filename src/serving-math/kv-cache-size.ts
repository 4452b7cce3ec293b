/**
 * The size of a transformer's KV cache, from the model's shape alone.
 *
 * Every layer keeps one key vector and one value vector per KV head for every token it has seen,
 * so a token costs `2 × layers × kvHeads × headDim × bytesPerValue` bytes, whatever the prompt.
 * Pure arithmetic with no DOM and no tensors, so lessons, calculators and tests can share it.
 */

export interface KvShape {
	/** Transformer layers (blocks); each keeps its own keys and values. */
	layers: number;
	/** Key/value heads. Under grouped-query attention this is fewer than the query heads. */
	kvHeads: number;
	/** Width of one head's key (and value) vector. */
	headDim: number;
	/** Bytes per stored number: 4 for fp32, 2 for bf16/fp16, 1 for fp8/int8. */
	bytesPerValue: number;
}

/** Thrown for an input the formula cannot mean: a count that is not a positive whole number. */
export class ServingMathInputError extends RangeError {
	constructor(message: string) {
		super(message);
		this.name = 'ServingMathInputError';
	}
}

function describe(value: unknown): string {
	return typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value)}`;
}

/** Checks that `value` is a whole number ≥ `min`; the message names the input and what it got. */
export function requireWholeNumber(name: string, value: unknown, min = 1): number {
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
		const wanted = min === 1 ? 'a positive whole number' : `a whole number ≥ ${min}`;
		throw new ServingMathInputError(`${name} must be ${wanted}, got ${describe(value)}.`);
	}
	return value;
}

/** A product of whole numbers that must stay exact in a double. */
function exactProduct(what: string, factors: number[]): number {
	const product = factors.reduce((a, b) => a * b, 1);
	if (!Number.isSafeInteger(product)) {
		throw new ServingMathInputError(`${what} is too large to compute exactly (${product} bytes).`);
	}
	return product;
}

/** Bytes of keys and values one token adds to the cache: 2 × layers × kvHeads × headDim × bytesPerValue. */
export function kvBytesPerToken(shape: KvShape): number {
	if (shape === null || typeof shape !== 'object') {
		throw new ServingMathInputError('kvBytesPerToken needs { layers, kvHeads, headDim, bytesPerValue }.');
	}
	const layers = requireWholeNumber('layers', shape.layers);
	const kvHeads = requireWholeNumber('kvHeads', shape.kvHeads);
	const headDim = requireWholeNumber('headDim', shape.headDim);
	const bytesPerValue = requireWholeNumber('bytesPerValue', shape.bytesPerValue);
	return exactProduct('The KV bytes a token', [2, layers, kvHeads, headDim, bytesPerValue]);
}

/**
 * Bytes of KV cache held for `tokens` tokens (prompt and generated alike) of one sequence.
 * Zero tokens is an empty cache, so `tokens` may be 0.
 */
export function kvBytesForTokens(shape: KvShape, tokens: number): number {
	const perToken = kvBytesPerToken(shape);
	return exactProduct('The KV bytes for the sequence', [perToken, requireWholeNumber('tokens', tokens, 0)]);
}
