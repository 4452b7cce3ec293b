// The bench's floor contestant (bench/lib/floor-model.mjs): the shipped model's weight matrices,
// read from the ONNX file, in a graph of MatMuls alone that onnxruntime-web runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { floorModel, matmulWeights } from '../../bench/lib/floor-model.mjs';

const onnxDir = new URL('../../public/models/kjv-gpt-2m/onnx/', import.meta.url);
const config = JSON.parse(readFileSync(new URL('../config.json', onnxDir), 'utf8'));

describe('bench floor model', () => {
	const q8 = matmulWeights(readFileSync(new URL('model_quantized.onnx', onnxDir)));
	const fp32 = matmulWeights(readFileSync(new URL('model.onnx', onnxDir)));

	it("finds every weight MatMul of the model, the tied LM head included, with the config's shapes", () => {
		const d = config.n_embd;
		const layer = [
			[d, 3 * d],
			[d, d],
			[d, 4 * d],
			[4 * d, d],
		];
		const expected = [...Array.from({ length: config.n_layer }, () => layer).flat(), [d, config.vocab_size]];
		expect(q8.map((w) => w.dims)).toEqual(expected);
		expect(fp32.map((w) => w.dims)).toEqual(expected);
	});

	it('dequantizes the int8 weights to within half a quantization step of the fp32 ones', () => {
		for (let i = 0; i < q8.length; i++) {
			const a = q8[i]!.data;
			const b = fp32[i]!.data;
			let maxAbs = 0;
			let maxDiff = 0;
			for (let j = 0; j < a.length; j++) {
				maxAbs = Math.max(maxAbs, Math.abs(b[j]!));
				maxDiff = Math.max(maxDiff, Math.abs(a[j]! - b[j]!));
			}
			expect(maxDiff, q8[i]!.name).toBeLessThanOrEqual((maxAbs / 127) * 0.5 + 1e-7);
			expect(maxDiff, q8[i]!.name).toBeGreaterThan(0);
		}
	});

	it('writes a graph ORT runs, whose products are the chained weight products', async () => {
		const floor = floorModel(q8);
		expect(floor.matmuls).toBe(q8.length);
		expect(floor.multiplyAdds).toBe(q8.reduce((s, w) => s + w.dims[0] * w.dims[1], 0));
		expect(floor.inputs).toEqual([{ name: `x${config.n_embd}`, width: config.n_embd }]);

		const ort = await import('onnxruntime-web');
		ort.env.wasm.numThreads = 1;
		const session = await ort.InferenceSession.create(floor.bytes, { executionProviders: ['wasm'] });
		const x = new Float32Array(config.n_embd).fill(0.1);
		const out = await session.run({ [floor.inputs[0]!.name]: new ort.Tensor('float32', x, [1, x.length]) });
		expect(Object.keys(out).sort()).toEqual([...floor.outputs].sort());

		// The same chain in plain JS: each product's input is the latest activation of its width.
		const latest = new Map<number, Float32Array>([[x.length, x]]);
		let last = x;
		for (const w of q8) {
			const [k, n] = w.dims;
			const v = latest.get(k)!;
			const y = new Float32Array(n);
			for (let c = 0; c < n; c++) {
				let s = 0;
				for (let r = 0; r < k; r++) s += v[r]! * w.data[r * n + c]!;
				y[c] = s;
			}
			latest.set(n, y);
			last = y;
		}
		const logits = out[floor.outputs.at(-1)!]!.data as Float32Array;
		expect(logits.length).toBe(config.vocab_size);
		const scale = Math.max(...last.map(Math.abs));
		expect(scale).toBeGreaterThan(0);
		for (let i = 0; i < logits.length; i++) expect(Math.abs(logits[i]! - last[i]!)).toBeLessThan(scale * 1e-4);
		await session.release();
	});
});
