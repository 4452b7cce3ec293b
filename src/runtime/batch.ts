/**
 * Batch assembly: B rows of new token ids, of different lengths, become one
 * rectangular pass. Shorter rows are padded on the left, so every row's newest
 * token sits in the last column and one slice reads every row's next-token
 * logits. Padding is masked out (attention_mask 0) and position ids count only
 * a row's real tokens, so a padded row computes what it would alone.
 *
 * Pure data in, typed arrays out: this is what the tests pin down without a model.
 */

/** What a pass builds on: the columns already held per row and which of them are real. */
export interface PastColumns {
	/** Columns (positions) held per row, padding included. */
	width: number;
	/** Row-major [rows × width] mask of those columns; null when width is 0. */
	mask: BigInt64Array | null;
	/** Real (unmasked) tokens held per row. */
	realLengths: readonly number[];
}

export interface AssembledBatch {
	rows: number;
	/** New columns in this pass (the longest row's new tokens). */
	width: number;
	/** Columns attended over: past + new. */
	total: number;
	/** [rows × width], pad id where padded. */
	inputIds: BigInt64Array;
	/** [rows × width]: a real token's index among its row's real tokens; 0 for padding (masked anyway). */
	positionIds: BigInt64Array;
	/** [rows × total]: the past mask followed by this pass's columns. */
	attentionMask: BigInt64Array;
	/** Real tokens per row after this pass. */
	realLengths: number[];
	/** Padding columns fed in this pass, over all rows. */
	padding: number;
}

export const NO_PAST: PastColumns = { width: 0, mask: null, realLengths: [] };

export function assembleBatch(rows: readonly ArrayLike<number>[], past: PastColumns, padId: number): AssembledBatch {
	const b = rows.length;
	if (b === 0) throw new Error('a batch needs at least one row');
	if (past.width > 0 && past.realLengths.length !== b) {
		throw new Error(`the cache holds ${past.realLengths.length} rows but the batch has ${b}`);
	}
	let width = 0;
	for (const row of rows) width = Math.max(width, row.length);
	if (width === 0) throw new Error('a batch needs at least one new token');

	const total = past.width + width;
	const inputIds = new BigInt64Array(b * width);
	const positionIds = new BigInt64Array(b * width);
	const attentionMask = new BigInt64Array(b * total);
	const realLengths: number[] = [];
	const pad = BigInt(padId);
	let padding = 0;
	for (let r = 0; r < b; r++) {
		const row = rows[r]!;
		const lead = width - row.length;
		const base = past.realLengths[r] ?? 0;
		const maskRow = r * total;
		if (past.mask) attentionMask.set(past.mask.subarray(r * past.width, (r + 1) * past.width), maskRow);
		for (let j = 0; j < width; j++) {
			const at = r * width + j;
			if (j < lead) {
				inputIds[at] = pad;
			} else {
				inputIds[at] = BigInt(row[j - lead]!);
				positionIds[at] = BigInt(base + j - lead);
				attentionMask[maskRow + past.width + j] = 1n;
			}
		}
		padding += lead;
		realLengths.push(base + row.length);
	}
	return { rows: b, width, total, inputIds, positionIds, attentionMask, realLengths, padding };
}
