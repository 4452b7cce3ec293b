/// <reference lib="webworker" />
/**
 * (a†), diagnostic: contestant (a)'s raw loop, unchanged, in a dedicated worker. Next to (a) it
 * shows what running off the main thread costs by itself; next to (c) (the runtime, also in a
 * worker), what the runtime's loop and its messages cost. The scaling section runs its
 * teacher-forced passes here too (raw-forced.ts), in a worker as the runtime's loops are.
 */
import * as ort from 'onnxruntime-web/wasm';
import { wasmSessionOptions, configureOrt, feedsFor, emptyPast, rawLoop } from './raw-loop';
import { forcedRun } from './raw-forced';

type Request =
	| { type: 'init'; ortBase: string; modelFileUrl: string }
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
