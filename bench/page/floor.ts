/**
 * Contestant (f), the floor: the model's weight matrices in a graph of MatMuls alone, one run per
 * token (bench/lib/floor-model.mjs writes floor.onnx and floor.json next to the bench page). What
 * the arithmetic costs on this machine with this ORT build; everything the model does beyond it
 * (attention, layer norms, the graph's small ops, copying the cache in and out) is over this line.
 */
import * as ort from 'onnxruntime-web/wasm';

export interface FloorFacts {
	inputs: { name: string; width: number }[];
	outputs: string[];
	multiplyAdds: number;
	matmuls: number;
	/** The ONNX file the weights were taken from. */
	model: string;
}

let session: ort.InferenceSession | undefined;
let facts: FloorFacts | undefined;

export async function loadFloor(factsUrl: string, options: ort.InferenceSession.SessionOptions): Promise<FloorFacts> {
	facts = (await (await fetch(factsUrl)).json()) as FloorFacts;
	const bytes = new Uint8Array(await (await fetch(new URL('floor.onnx', factsUrl))).arrayBuffer());
	session = await ort.InferenceSession.create(bytes, options);
	await floorRun(1);
	return facts;
}

/** n runs of the floor graph, each with freshly made input tensors, as a token loop makes its feeds. */
export async function floorRun(n: number): Promise<{ ms: number; tokens: number; ids: number[]; runMs: number }> {
	if (!session || !facts) throw new Error('bench: floor not loaded');
	const t0 = performance.now();
	for (let i = 0; i < n; i++) {
		const feeds: Record<string, ort.Tensor> = {};
		for (const inp of facts.inputs)
			feeds[inp.name] = new ort.Tensor('float32', new Float32Array(inp.width).fill(0.1), [1, inp.width]);
		await session.run(feeds);
	}
	const ms = performance.now() - t0;
	return { ms, tokens: n, ids: [], runMs: ms };
}
