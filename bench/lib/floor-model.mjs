// @ts-check
/**
 * The bench's floor: what the model's own arithmetic costs on this machine. It reads the shipped
 * ONNX file, takes the weight matrix of every MatMul (int8 weights dequantized exactly as ORT's
 * constant folding does at load; a Transpose in front, as for the tied LM head, applied), and
 * writes a graph of those MatMuls alone, for one token: [1, k] × [k, n], chained in the model's
 * order wherever the widths allow (the layer's input feeds Q/K/V, its projections feed each
 * other, the last feeds the LM head), so every product is used and nothing else runs. Same weights,
 * same multiply-adds per token (minus attention over the cache, a few percent at these lengths).
 *
 * No dependency: ONNX files are protobuf, and the few fields needed here are read and written by
 * the small codec below (field numbers from onnx.proto).
 */

// ---- protobuf, the subset ONNX needs --------------------------------------------------------

/** @typedef {{ field: number, wire: number, value: number | Uint8Array }} PbField */

/** @param {Uint8Array} buf @returns {PbField[]} */
export function readFields(buf) {
	/** @type {PbField[]} */
	const out = [];
	let pos = 0;
	const varint = () => {
		let result = 0;
		let mul = 1;
		for (;;) {
			const b = buf[pos++];
			if (b === undefined) throw new Error('protobuf: truncated varint');
			result += (b & 0x7f) * mul;
			if (b < 0x80) return result;
			mul *= 128;
		}
	};
	while (pos < buf.length) {
		const key = varint();
		const field = Math.floor(key / 8);
		const wire = key & 7;
		if (wire === 0) out.push({ field, wire, value: varint() });
		else if (wire === 2) {
			const len = varint();
			out.push({ field, wire, value: buf.subarray(pos, pos + len) });
			pos += len;
		} else if (wire === 5) {
			out.push({ field, wire, value: new DataView(buf.buffer, buf.byteOffset + pos, 4).getUint32(0, true) });
			pos += 4;
		} else if (wire === 1) {
			out.push({ field, wire, value: new DataView(buf.buffer, buf.byteOffset + pos, 8).getFloat64(0, true) });
			pos += 8;
		} else throw new Error(`protobuf: unsupported wire type ${wire}`);
	}
	return out;
}

/** Packed or repeated varints (int64 dims, int32_data). @param {PbField[]} fields @param {number} n */
function ints(fields, n) {
	/** @type {number[]} */
	const xs = [];
	for (const f of fields.filter((f) => f.field === n)) {
		if (typeof f.value === 'number') xs.push(f.value);
		else for (const g of readFields(withKeys(f.value))) xs.push(/** @type {number} */ (g.value));
	}
	return xs;
}
/** A packed varint run, given field 1 keys so readFields can walk it. @param {Uint8Array} packed */
function withKeys(packed) {
	const out = [];
	let start = 0;
	for (let i = 0; i < packed.length; i++) {
		if (packed[i] < 0x80) {
			out.push(0x08, ...packed.subarray(start, i + 1));
			start = i + 1;
		}
	}
	return Uint8Array.from(out);
}

const text = new TextDecoder();
/** @param {PbField[]} fields @param {number} n */
const strings = (fields, n) =>
	fields.filter((f) => f.field === n).map((f) => text.decode(/** @type {Uint8Array} */ (f.value)));
/** @param {PbField[]} fields @param {number} n */
const messages = (fields, n) =>
	fields.filter((f) => f.field === n).map((f) => readFields(/** @type {Uint8Array} */ (f.value)));

class Writer {
	/** @type {Uint8Array[]} */
	parts = [];
	length = 0;
	/** @param {Uint8Array} b */
	push(b) {
		this.parts.push(b);
		this.length += b.length;
		return this;
	}
	/** @param {number} v */
	varint(v) {
		const out = [];
		while (v >= 0x80) {
			out.push((v % 128) | 0x80);
			v = Math.floor(v / 128);
		}
		out.push(v);
		return this.push(Uint8Array.from(out));
	}
	/** @param {number} field @param {number} v */
	int(field, v) {
		return this.varint(field * 8).varint(v);
	}
	/** @param {number} field @param {Uint8Array} b */
	raw(field, b) {
		return this.varint(field * 8 + 2)
			.varint(b.length)
			.push(b);
	}
	/** @param {number} field @param {string} s */
	str(field, s) {
		return this.raw(field, new TextEncoder().encode(s));
	}
	/** @param {number} field @param {Writer} w */
	msg(field, w) {
		this.varint(field * 8 + 2).varint(w.length);
		for (const p of w.parts) this.push(p);
		return this;
	}
	done() {
		const out = new Uint8Array(this.length);
		let off = 0;
		for (const p of this.parts) {
			out.set(p, off);
			off += p.length;
		}
		return out;
	}
}

// ---- ONNX ---------------------------------------------------------------------------------

const FLOAT = 1;
const INT8 = 3;

/** @typedef {{ dims: number[], data: Float32Array }} Matrix */

/** An aligned copy (a Node Buffer's slice() is a view into a shared pool). @param {Uint8Array} b */
const copy = (b) => new Uint8Array(b).buffer;

/** @param {PbField[]} t TensorProto fields @returns {{ name: string, dims: number[], type: number, values: ArrayLike<number> }} */
function tensor(t) {
	const name = strings(t, 8)[0] ?? '';
	const dims = ints(t, 1);
	const type = /** @type {number} */ (t.find((f) => f.field === 2)?.value ?? 0);
	const raw = /** @type {Uint8Array | undefined} */ (t.find((f) => f.field === 9)?.value);
	const count = dims.reduce((a, b) => a * b, 1);
	if (type === FLOAT) {
		if (raw) return { name, dims, type, values: new Float32Array(copy(raw), 0, count) };
		const packed = /** @type {Uint8Array | undefined} */ (t.find((f) => f.field === 4)?.value);
		return { name, dims, type, values: packed ? new Float32Array(copy(packed), 0, count) : new Float32Array(count) };
	}
	if (type === INT8)
		return { name, dims, type, values: raw ? new Int8Array(copy(raw), 0, count) : Int8Array.from(ints(t, 5)) };
	return { name, dims, type, values: [] };
}

/**
 * The weight matrix [k, n] of every MatMul whose second input is a constant (an fp32 initializer,
 * a DequantizeLinear of int8 ones, or a Transpose of either), in graph order.
 * @param {Uint8Array} modelBytes
 * @returns {{ name: string, dims: [number, number], data: Float32Array }[]}
 */
export function matmulWeights(modelBytes) {
	const graph = messages(readFields(modelBytes), 7)[0];
	if (!graph) throw new Error('not an ONNX model: no graph');
	/** @type {Map<string, ReturnType<typeof tensor>>} */
	const inits = new Map(messages(graph, 5).map((t) => [strings(t, 8)[0] ?? '', tensor(t)]));
	const nodes = messages(graph, 1).map((n) => ({
		inputs: strings(n, 1),
		outputs: strings(n, 2),
		op: strings(n, 4)[0] ?? '',
		attrs: Object.fromEntries(messages(n, 5).map((a) => [strings(a, 1)[0], a])),
	}));
	/** @type {Map<string, Matrix>} */
	const constants = new Map();
	for (const [name, t] of inits)
		if (t.type === FLOAT && t.dims.length === 2)
			constants.set(name, { dims: t.dims, data: Float32Array.from(t.values) });
	for (const n of nodes) {
		if (n.op === 'DequantizeLinear') {
			const q = inits.get(n.inputs[0] ?? '');
			const scale = inits.get(n.inputs[1] ?? '');
			const zero = n.inputs[2] ? inits.get(n.inputs[2]) : undefined;
			if (!q || !scale || q.dims.length !== 2) continue;
			const axisField = n.attrs.axis?.find((f) => f.field === 3)?.value;
			const axis = typeof axisField === 'number' ? axisField : 1;
			const [rows, cols] = /** @type {[number, number]} */ (q.dims);
			const data = new Float32Array(rows * cols);
			for (let r = 0; r < rows; r++)
				for (let c = 0; c < cols; c++) {
					const ch = scale.values.length === 1 ? 0 : axis === 0 ? r : c;
					data[r * cols + c] = (q.values[r * cols + c] - (zero ? zero.values[ch] : 0)) * scale.values[ch];
				}
			constants.set(n.outputs[0] ?? '', { dims: q.dims, data });
		} else if (n.op === 'Transpose') {
			const m = constants.get(n.inputs[0] ?? '');
			if (!m || m.dims.length !== 2) continue;
			const [rows, cols] = /** @type {[number, number]} */ (m.dims);
			const data = new Float32Array(rows * cols);
			for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = m.data[r * cols + c];
			constants.set(n.outputs[0] ?? '', { dims: [cols, rows], data });
		}
	}
	return nodes
		.filter((n) => n.op === 'MatMul' && constants.has(n.inputs[1] ?? ''))
		.map((n) => {
			const m = /** @type {Matrix} */ (constants.get(n.inputs[1] ?? ''));
			return { name: n.outputs[0] ?? '', dims: /** @type {[number, number]} */ ([m.dims[0], m.dims[1]]), data: m.data };
		});
}

/** @param {string} name @param {number[]} dims */
function valueInfo(name, dims) {
	const shape = new Writer();
	for (const d of dims) shape.msg(1, new Writer().int(1, d));
	const tensorType = new Writer().int(1, FLOAT).msg(2, shape);
	return new Writer().str(1, name).msg(2, new Writer().msg(1, tensorType));
}

/**
 * The floor graph for one token: the MatMuls of `weights`, chained where widths allow.
 * @param {{ dims: [number, number], data: Float32Array }[]} weights
 * @returns {{ bytes: Uint8Array, inputs: { name: string, width: number }[], outputs: string[], multiplyAdds: number, matmuls: number }}
 */
export function floorModel(weights) {
	const graph = new Writer().str(2, 'matmul-floor');
	/** Latest activation of each width: the chain. */
	const latest = new Map();
	/** @type {{ name: string, width: number }[]} */
	const inputs = [];
	/** @type {Set<string>} */
	const unused = new Set();
	let multiplyAdds = 0;
	weights.forEach((w, i) => {
		const [k, n] = w.dims;
		let x = latest.get(k);
		if (!x) {
			x = `x${k}`;
			inputs.push({ name: x, width: k });
			latest.set(k, x);
		}
		unused.delete(x);
		const wName = `w${i}`;
		const y = `y${i}`;
		const raw = new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength);
		graph.msg(5, new Writer().int(1, k).int(1, n).int(2, FLOAT).str(8, wName).raw(9, raw));
		graph.msg(1, new Writer().str(1, x).str(1, wName).str(2, y).str(3, `matmul${i}`).str(4, 'MatMul'));
		latest.set(n, y);
		unused.add(y);
		multiplyAdds += k * n;
	});
	const outputs = [...unused];
	for (const inp of inputs) graph.msg(11, valueInfo(inp.name, [1, inp.width]));
	for (const out of outputs) {
		const i = Number(out.slice(1));
		graph.msg(12, valueInfo(out, [1, /** @type {{ dims: [number, number] }} */ (weights[i]).dims[1]]));
	}
	const model = new Writer()
		.int(1, 8)
		.str(2, 'token-by-token bench')
		.msg(7, graph)
		.msg(8, new Writer().str(1, '').int(2, 17));
	return { bytes: model.done(), inputs, outputs, multiplyAdds, matmuls: weights.length };
}
