/// <reference lib="webworker" />
/**
 * The Web Worker entry: keeps tokenization, ONNX Runtime and sampling off the
 * page's main thread. All logic lives in host.ts; this only wires messages.
 */

import { createHost } from './host';
import { importOrt } from './ort';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const host = createHost((m: FromWorker) => scope.postMessage(m), { importOrt });
scope.onmessage = (ev: MessageEvent<ToWorker>) => host.handle(ev.data);
