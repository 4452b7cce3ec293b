/**
 * The typed messages between the page (client.ts) and the runtime worker
 * (worker.ts / host.ts). Plain data only: everything here is structured-cloned.
 *
 * One message per loop iteration each way: the worker posts an iteration's
 * events together, and the page answers with one credit once it has taken them.
 */

import type { SerializedError } from './errors';
import type { LoadProgress } from './events';
import type { LoadRequest, ModelInfo } from './loader';
import type { AnyLoopEvent } from './loops/types';

export type ToWorker =
	| { type: 'load'; reqId: number; request: LoadRequest }
	/** The page no longer waits for load `reqId`; the worker aborts the load if no other request waits for it. */
	| { type: 'cancel-load'; reqId: number }
	| {
			type: 'run';
			runId: string;
			/** A name from loops/vocabulary.ts. */
			loop: string;
			input: unknown;
			settings: unknown;
			/** Flow control: the run may finish loop iteration k only while k < limit. */
			limit: number;
	  }
	| { type: 'stop'; runId: string }
	/** The page has taken more iterations: the run may now finish iterations below `upTo`. */
	| { type: 'credit'; runId: string; upTo: number };

export type FromWorker =
	| { type: 'progress'; reqId: number; progress: LoadProgress }
	| { type: 'loaded'; reqId: number; info: ModelInfo }
	| { type: 'load-failed'; reqId: number; error: SerializedError }
	/**
	 * Events in order. `complete`: they end a loop iteration (or the run). A
	 * message is incomplete only when the worker must wait for the page mid-way
	 * through an iteration and hands over what it has first.
	 */
	| { type: 'events'; runId: string; events: AnyLoopEvent[]; complete: boolean }
	| { type: 'run-failed'; runId: string; error: SerializedError };

/** What both ends of the channel look like: a Worker, the worker's global scope, or a test double. */
export interface Port<In, Out> {
	postMessage(message: Out): void;
	onmessage: ((ev: { data: In }) => void) | null;
}
