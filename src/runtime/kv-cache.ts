/**
 * The KV cache: the keys and values every layer computed for the tokens seen so
 * far. The model returns them as `present.*`; feeding them back as
 * `past_key_values.*` means the next pass only has to process the new token.
 *
 * It is batch-shaped: B rows of [heads × columns × head_dim] per layer, plus the
 * attention mask of those columns, because rows of different lengths are left-
 * padded and padding must stay masked on every later step. Rows can leave (a
 * finished request) and join (a new one, prefilled on its own), which is what a
 * continuous-batching scheduler needs.
 *
 * It is its own piece so the lesson (and the tests) can look at it: how long
 * it is, how much memory its live tensors hold, and that naive mode never touches one.
 */

import type { Tensor } from 'onnxruntime-web';
import type { PastColumns } from './batch';

export interface KvShape {
	numLayers: number;
	numHeads: number;
	headDim: number;
}

type TensorCtor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;
type Values = Float32Array | Uint16Array;

const BYTES_PER_ELEMENT: Partial<Record<Tensor.Type, number>> = { float32: 4, float16: 2 };

export class KVCache {
	/** past_key_values.{i}.key / .value, in input-name order; dims [rows, heads, columns, head_dim]. */
	private tensors: Tensor[];
	/** With `append`: each tensor's buffer, with room for more columns; the tensors are views of them. */
	private buffers: Float32Array[] = [];
	private columns = 0;
	private batchRows: number;
	/** Row-major [rows × columns]: which held columns are real tokens. Null while nothing is held. */
	private maskData: BigInt64Array | null = null;
	private real: number[] = [];

	constructor(
		readonly shape: KvShape,
		private readonly TensorClass: TensorCtor,
		private readonly pastNames: readonly string[] = pastInputNames(shape.numLayers),
		rows = 1,
	) {
		this.batchRows = rows;
		this.tensors = this.empty(rows);
	}

	/** Columns held per row, padding included; for one unpadded row, the tokens held. */
	get length(): number {
		return this.columns;
	}

	get rows(): number {
		return this.batchRows;
	}

	/** Real (unpadded) tokens held in `row`. */
	tokens(row: number): number {
		return this.real[row] ?? 0;
	}

	/** Bytes of the live key/value tensors: each one's element count × bytes per element. */
	get bytes(): number {
		let total = 0;
		for (const t of this.tensors) {
			const per = BYTES_PER_ELEMENT[t.type];
			if (per === undefined) throw new Error(`KV tensor of unexpected type ${t.type}`);
			total += t.dims.reduce((a, b) => a * b, 1) * per;
		}
		return total;
	}

	/** What the next pass builds on, for batch assembly. */
	get past(): PastColumns {
		return { width: this.columns, mask: this.maskData, realLengths: this.real };
	}

	/** Adds the past tensors to a feed; an empty cache takes whatever batch size comes first. */
	feed(feeds: Record<string, Tensor>, rows = this.batchRows): void {
		if (this.columns === 0 && rows !== this.batchRows) {
			this.batchRows = rows;
			this.tensors = this.empty(rows);
		}
		if (rows !== this.batchRows) throw new Error(`the cache holds ${this.batchRows} rows but the pass has ${rows}`);
		for (let i = 0; i < this.pastNames.length; i++) feeds[this.pastNames[i]!] = this.tensors[i]!;
	}

	/**
	 * Takes the `present.*` outputs as the new past, without copying them, with
	 * the mask that pass was fed (it covers exactly the columns now held).
	 */
	update(
		outputs: Record<string, Tensor>,
		presentNames: readonly string[] = presentOutputNames(this.shape.numLayers),
		mask?: BigInt64Array,
		realLengths?: number[],
	): void {
		for (let i = 0; i < presentNames.length; i++) {
			const t = outputs[presentNames[i]!];
			if (!t) throw new Error(`model output "${presentNames[i]}" is missing`);
			this.tensors[i] = t;
		}
		this.buffers = [];
		this.hold(this.tensors[0]!.dims[0]!, this.tensors[0]!.dims[2]!, mask, realLengths);
	}

	/**
	 * Appends one pass's new keys and values (the model's `step.*` outputs, [rows, heads, new
	 * columns, head_dim]) in place. Each buffer keeps spare columns, so a step moves what is held up
	 * within it and writes the new columns, instead of taking a whole new cache from ORT, which
	 * copies every fetched output out of its heap into a new array: a cost that grows with the cache.
	 */
	append(
		outputs: Record<string, Tensor>,
		stepNames: readonly string[],
		mask?: BigInt64Array,
		realLengths?: number[],
	): void {
		const { numHeads, headDim } = this.shape;
		const first = outputs[stepNames[0]!];
		if (!first) throw new Error(`model output "${stepNames[0]}" is missing`);
		const rows = first.dims[0]!;
		const added = first.dims[2]!;
		const held = this.columns;
		if (held > 0 && rows !== this.batchRows)
			throw new Error(`the cache holds ${this.batchRows} rows but the pass has ${rows}`);
		const width = held + added;
		const blocks = rows * numHeads;
		for (let i = 0; i < stepNames.length; i++) {
			const fresh = outputs[stepNames[i]!]?.data;
			if (!fresh) throw new Error(`model output "${stepNames[i]}" is missing`);
			if (!(fresh instanceof Float32Array)) throw new Error('only float32 KV caches are appended in place');
			const buffer = this.room(i, blocks * width * headDim, blocks * held * headDim);
			// Each (row, head) block of `held` columns moves up to its place in rows of `width`; from the
			// last block down, so that none is overwritten before it has moved.
			for (let b = blocks - 1; b >= 0; b--) {
				if (held > 0) buffer.copyWithin(b * width * headDim, b * held * headDim, (b + 1) * held * headDim);
				buffer.set(fresh.subarray(b * added * headDim, (b + 1) * added * headDim), (b * width + held) * headDim);
			}
			this.tensors[i] = new this.TensorClass('float32', buffer.subarray(0, blocks * width * headDim), [
				rows,
				numHeads,
				width,
				headDim,
			]);
		}
		this.hold(rows, width, mask, realLengths);
	}

	/** Records what the tensors now hold: rows × columns, and which columns are real (all, unless a mask says). */
	private hold(rows: number, columns: number, mask?: BigInt64Array, realLengths?: number[]): void {
		this.batchRows = rows;
		this.columns = columns;
		this.maskData = mask ?? new BigInt64Array(rows * columns).fill(1n);
		this.real = realLengths ?? new Array<number>(rows).fill(columns);
	}

	/** Tensor i's buffer, grown (to twice what is needed) when `needed` values do not fit; the first `held` kept. */
	private room(i: number, needed: number, held: number): Float32Array {
		const buffer = this.buffers[i];
		if (buffer && buffer.length >= needed) return buffer;
		const grown = new Float32Array(needed * 2);
		if (held > 0) grown.set((this.tensors[i]!.data as Float32Array).subarray(0, held));
		this.buffers[i] = grown;
		return grown;
	}

	reset(): void {
		this.buffers = [];
		this.tensors = this.empty(this.batchRows);
		this.columns = 0;
		this.maskData = null;
		this.real = [];
	}

	/** Removes a finished row; columns no remaining row uses are dropped with it. */
	async dropRow(row: number): Promise<void> {
		if (!(row >= 0 && row < this.batchRows)) throw new Error(`no row ${row} in a cache of ${this.batchRows}`);
		const keep = [...Array(this.batchRows).keys()].filter((r) => r !== row);
		const mask = this.maskData!;
		const real = this.real.filter((_, r) => r !== row);
		if (keep.length === 0 || this.columns === 0) {
			this.batchRows = keep.length;
			this.reset();
			return;
		}
		// Leading columns that are padding in every remaining row carry nothing.
		let skip = 0;
		while (skip < this.columns && keep.every((r) => mask[r * this.columns + skip] === 0n)) skip++;
		await this.rebuild(
			keep.map((r) => ({ from: this, row: r, skip })),
			this.columns - skip,
			real,
		);
	}

	/**
	 * Appends the rows of `other` (typically a one-row cache just prefilled on
	 * its own). The shorter side is left-padded to the longer one's columns.
	 * Returns the index of the first added row.
	 */
	async addRows(other: KVCache): Promise<number> {
		if (other.columns === 0) throw new Error('the joining cache holds nothing');
		// An empty cache holds no rows, whatever batch size it was made for.
		const first = this.columns === 0 ? 0 : this.batchRows;
		const width = Math.max(this.columns, other.columns);
		const sources: RowSource[] = [];
		for (let r = 0; r < first; r++) sources.push({ from: this, row: r, skip: this.columns - width });
		for (let r = 0; r < other.batchRows; r++) sources.push({ from: other, row: r, skip: other.columns - width });
		await this.rebuild(sources, width, [...this.real.slice(0, first), ...other.real]);
		return first;
	}

	/**
	 * Copies rows into new tensors of `width` columns. A source row's column c
	 * lands at c − skip; a negative skip left-pads it with zeros (masked).
	 */
	private async rebuild(sources: RowSource[], width: number, real: number[]): Promise<void> {
		const { numHeads, headDim } = this.shape;
		const rows = sources.length;
		const tensors: Tensor[] = [];
		for (let i = 0; i < this.pastNames.length; i++) {
			const out = new Float32Array(rows * numHeads * width * headDim);
			for (let r = 0; r < rows; r++) {
				const { from, row, skip } = sources[r]!;
				const data = (await from.tensors[i]!.getData()) as Values;
				if (!(data instanceof Float32Array)) throw new Error('only float32 KV caches can change rows');
				const cols = from.columns;
				for (let h = 0; h < numHeads; h++) {
					const src = ((row * numHeads + h) * cols + Math.max(skip, 0)) * headDim;
					const dst = ((r * numHeads + h) * width + Math.max(-skip, 0)) * headDim;
					const n = (cols - Math.max(skip, 0)) * headDim;
					out.set(data.subarray(src, src + n), dst);
				}
			}
			tensors.push(new this.TensorClass('float32', out, [rows, numHeads, width, headDim]));
		}
		const mask = new BigInt64Array(rows * width);
		for (let r = 0; r < rows; r++) {
			const { from, row, skip } = sources[r]!;
			for (let c = Math.max(-skip, 0); c < width; c++)
				mask[r * width + c] = from.maskData![row * from.columns + c + skip]!;
		}
		this.tensors = tensors;
		this.buffers = tensors.map((t) => t.data as Float32Array);
		this.batchRows = rows;
		this.columns = width;
		this.maskData = mask;
		this.real = real;
	}

	/** Length-0 past: a first pass with it is exactly the naive full-sequence pass. */
	private empty(rows: number): Tensor[] {
		const { numHeads, headDim } = this.shape;
		const dims = [rows, numHeads, 0, headDim];
		return this.pastNames.map(() => new this.TensorClass('float32', new Float32Array(0), dims));
	}
}

interface RowSource {
	from: KVCache;
	row: number;
	/** Columns of the source row to leave out on the left (negative: pad that many). */
	skip: number;
}

export function pastInputNames(numLayers: number): string[] {
	const names: string[] = [];
	for (let i = 0; i < numLayers; i++) names.push(`past_key_values.${i}.key`, `past_key_values.${i}.value`);
	return names;
}

/** Outputs holding only a pass's new keys and values (tools/model/step_outputs.py adds them). */
export function stepOutputNames(numLayers: number): string[] {
	const names: string[] = [];
	for (let i = 0; i < numLayers; i++) names.push(`step.${i}.key`, `step.${i}.value`);
	return names;
}

export function presentOutputNames(numLayers: number): string[] {
	const names: string[] = [];
	for (let i = 0; i < numLayers; i++) names.push(`present.${i}.key`, `present.${i}.value`);
	return names;
}
