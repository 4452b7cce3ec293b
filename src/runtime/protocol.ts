/**
 * The typed messages between the page (client.ts) and the runtime worker
 * (worker.ts / host.ts). Plain data only: everything here is structured-cloned.
 */

import type { SerializedError } from './errors';
import type { GenerateSettings, LoadProgress, StepEvent } from './events';
import type { LoadRequest, ModelInfo } from './loader';

export type ControlType = 'pause' | 'resume' | 'step' | 'stop';

export type ToWorker =
  | { type: 'load'; reqId: number; request: LoadRequest }
  | {
      type: 'generate';
      runId: string;
      prompt: string;
      settings: GenerateSettings;
      startPaused: boolean;
      /** Flow control: how many events the worker may send before the next 'credit'; null = unlimited. */
      limit: number | null;
    }
  | { type: ControlType; runId: string }
  /** The page consumed what it was sent: the worker may now have sent up to `upTo` events in total. */
  | { type: 'credit'; runId: string; upTo: number };

export type FromWorker =
  | { type: 'progress'; reqId: number; progress: LoadProgress }
  | { type: 'loaded'; reqId: number; info: ModelInfo }
  | { type: 'load-failed'; reqId: number; error: SerializedError }
  /** One loop iteration's events (or fewer), in order: one message per token, not per event. */
  | { type: 'events'; runId: string; events: StepEvent[] }
  | { type: 'run-failed'; runId: string; error: SerializedError };

/** What both ends of the channel look like: a Worker, the worker's global scope, or a test double. */
export interface Port<In, Out> {
  postMessage(message: Out): void;
  onmessage: ((ev: { data: In }) => void) | null;
}
