/// <reference lib="webworker" />
/**
 * (a†), diagnostic: contestant (a)'s raw loop, unchanged, in a dedicated worker. Next to (a) it
 * shows what running off the main thread costs by itself; next to (c) (the runtime, also in a
 * worker), what the runtime's loop and its messages cost. The scaling section runs its
 * teacher-forced passes here too (raw-forced.ts), in a worker as the runtime's loops are.
 * The cold-start section times onnxruntime-web's own start here ('start'), in a worker as the
 * runtime starts it.
 */
import * as ort from 'onnxruntime-web/wasm';
import { wasmSessionOptions, configureOrt, feedsFor, emptyPast, rawLoop } from './raw-loop';
import { forcedRun } from './raw-forced';

type Request =
	| { type: 'init'; ortBase: string; modelFileUrl: string }
	| { type: 'start'; ortBase: string; modelFileUrl: string }
	| { type: 'run'; promptIds: number[]; n: number }
	| { type: 'forced'; rows: number[][]; promptLengths: number[]; padId: number };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let session: ort.InferenceSession | undefined;

scope.onmessage = async (ev: MessageEvent<Request>) => {
	const m = ev.data;
	try {
		if (m.type === 'init') {
			configureOrt(m.ortBase);
			const bytes = new Uint8Array(await (await fetch(m.modelFileUrl)).arrayBuffer());
			session = await ort.InferenceSession.create(bytes, wasmSessionOptions());
			await session.run(feedsFor([0], 0, emptyPast()));
			scope.postMessage({ ok: true });
		} else if (m.type === 'start') {
			scope.postMessage({ ok: true, result: await ortStart(m.ortBase, m.modelFileUrl) });
		} else if (!session) {
			throw new Error('raw worker: init first');
		} else if (m.type === 'run') {
			scope.postMessage({ ok: true, result: await rawLoop(session, m.promptIds, m.n) });
		} else {
			scope.postMessage({ ok: true, result: await forcedRun(session, m.rows, m.promptLengths, m.padId) });
		}
	} catch (error) {
		scope.postMessage({ ok: false, error: String(error) });
	}
};

/**
 * onnxruntime-web's own start with every byte already in memory: the first session (compiling and
 * initialising ORT's wasm, then the session) and the first 1-token run. No page can paint a first
 * token sooner after its downloads than this; only a worker that has not started ORT yet measures it.
 */
async function ortStart(ortBase: string, modelFileUrl: string) {
	configureOrt(ortBase);
	const [wasm, model] = await Promise.all(
		[`${ortBase}ort-wasm-simd-threaded.wasm`, modelFileUrl].map(async (u) => (await fetch(u)).arrayBuffer()),
	);
	ort.env.wasm.wasmBinary = wasm;
	let t = performance.now();
	session = await ort.InferenceSession.create(new Uint8Array(model!), wasmSessionOptions());
	const sessionMs = performance.now() - t;
	t = performance.now();
	await session.run(feedsFor([0], 0, emptyPast()));
	return { sessionMs, firstRunMs: performance.now() - t };
}
