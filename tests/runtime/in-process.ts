/**
 * The page-side client wired to the real worker host in one process: messages
 * go through structuredClone exactly as they would through postMessage.
 */
import { createHost, type HostDeps } from '../../src/runtime/host';
import type { FromWorker, Port, ToWorker } from '../../src/runtime/protocol';
import { diskFetch, importOrt } from './helpers';

export function connectInProcess(
	fetch: typeof globalThis.fetch = diskFetch(),
	counters: Counters = { loads: 0 },
	tap?: (m: FromWorker) => void,
	tapToWorker?: (m: ToWorker) => void,
	hostDeps: Partial<HostDeps> = {},
) {
	return (): Port<FromWorker, ToWorker> => {
		const page: Port<FromWorker, ToWorker> = {
			onmessage: null,
			postMessage(m) {
				// Node has no ORT files to serve: the test transport drops the browser-only wasm path.
				const msg = structuredClone(m);
				tapToWorker?.(structuredClone(m));
				if (msg.type === 'load') {
					delete msg.request.ortBaseUrl;
					counters.loads++;
				}
				setTimeout(() => host.handle(msg), 0);
			},
		};
		const host = createHost(
			(m) => {
				tap?.(structuredClone(m));
				setTimeout(() => page.onmessage?.({ data: structuredClone(m) }), 0);
			},
			{
				fetch: (input, init) => {
					if (String(input).endsWith('.onnx')) counters.fetchedOnnx = (counters.fetchedOnnx ?? 0) + 1;
					return fetch(input, init);
				},
				importOrt,
				...hostDeps,
			},
		);
		return page;
	};
}
export interface Counters {
	loads: number;
	fetchedOnnx?: number;
}
