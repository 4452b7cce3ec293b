/**
 * Finding where generated text repeats itself, so a page can mark greedy
 * decoding's loops. Pure functions over token ids; no model, no DOM.
 */

/** tokens[start, start + length) repeats tokens[source, source + length), source < start. */
export interface RepeatSpan {
	start: number;
	length: number;
	source: number;
}

/**
 * Scans left to right from `from` and reports each run of at least
 * `minLength` tokens that already occurred earlier, longest earlier match
 * first, earliest source on a tie. A span may overlap its own source: in
 * "a b a b a b" the tokens from the second "a" on repeat the sequence two
 * tokens back, which is how a loop looks. Spans never overlap each other.
 * O(n² × match length): meant for one reply (the model's context is 256 tokens).
 */
export function findRepeats(tokens: readonly number[], minLength = 4, from = 0): RepeatSpan[] {
	if (!Number.isInteger(minLength) || minLength < 1)
		throw new RangeError(`minLength must be an integer ≥ 1, got ${minLength}`);
	const spans: RepeatSpan[] = [];
	const n = tokens.length;
	let i = Math.max(0, from);
	while (i < n) {
		let best = 0;
		let source = -1;
		for (let j = 0; j < i; j++) {
			let len = 0;
			while (i + len < n && tokens[j + len] === tokens[i + len]) len++;
			if (len > best) {
				best = len;
				source = j;
			}
		}
		if (best >= minLength) {
			spans.push({ start: i, length: best, source });
			i += best;
		} else {
			i++;
		}
	}
	return spans;
}

/** The text ends in `repeats` back-to-back copies of a cycle of `period` tokens, starting at `start`. */
export interface TrailingLoop {
	start: number;
	period: number;
	/** Whole copies of the cycle; a partial copy may follow at the very end. */
	repeats: number;
}

/**
 * The shortest cycle that the end of `tokens` (from `from` on) keeps repeating,
 * if it covers at least `minRepeats` copies and `minTokens` tokens in all;
 * null otherwise. "x a b c a b c a b" → period 3 (a b c), from the first "a".
 */
export function trailingLoop(tokens: readonly number[], from = 0, minRepeats = 2, minTokens = 4): TrailingLoop | null {
	const n = tokens.length;
	const lo = Math.max(0, from);
	for (let period = 1; period * minRepeats <= n - lo; period++) {
		// How far back from the end each token equals the one a period earlier.
		let k = n - 1;
		while (k - period >= lo && tokens[k] === tokens[k - period]) k--;
		const start = k - period + 1;
		const covered = n - start;
		if (covered >= period * minRepeats && covered >= minTokens) {
			return { start, period, repeats: Math.floor(covered / period) };
		}
	}
	return null;
}
