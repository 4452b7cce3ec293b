/**
 * The worker side of the runtime, independent of `self` so Node tests can
 * drive it directly. It owns one loaded model, shared by every run, and
 * drives each run's generator one event at a time, honouring pause/step/stop.
 *
 * Runs interleave rather than queue: each has its own ids and KV cache, and
 * the model serialises the forward passes, so a paused run never blocks
 * another widget and no run can see another's state.
 */

import { RuntimeError, describe, serializeError } from './errors';
import { generate, type RunControl } from './generate';
import { loadModel, type LoadDeps, type LoadRequest, type LoadedModel } from './loader';
import type { StepEvent } from './events';
import type { FromWorker, ToWorker } from './protocol';

/** After these steps the generator's next move is a forward pass: the time to post what it has. */
const FORWARD_FOLLOWS = new Set<StepEvent['step']>(['encode', 'eos-check']);

const taskQueue: Array<() => void> = [];
let taskChannel: MessageChannel | null = null;
/**
 * Resolves in a new task, after the messages already queued for this thread. A
 * MessageChannel, not setTimeout(0): browsers clamp nested timers to 4 ms.
 */
function nextTask(): Promise<void> {
  if (!taskChannel) {
    taskChannel = new MessageChannel();
    taskChannel.port1.onmessage = () => taskQueue.shift()?.();
    // Node (tests): an idle channel must not keep the process alive.
    (taskChannel.port1 as unknown as { unref?: () => void }).unref?.();
  }
  return new Promise<void>((resolve) => {
    taskQueue.push(resolve);
    taskChannel!.port2.postMessage(null);
  });
}

interface RunState {
  control: RunControl;
  paused: boolean;
  /** Events released by step() while paused. */
  credits: number;
  /** Flow control: events sent so far, and how many the page allows (null = no limit). */
  sent: number;
  limit: number | null;
  wake: (() => void) | null;
}

export interface HostDeps extends Omit<LoadDeps, 'onProgress'> {}

export function createHost(post: (m: FromWorker) => void, deps: HostDeps) {
  let current: { key: string; promise: Promise<LoadedModel> } | null = null;
  const runs = new Map<string, RunState>();
  /** Runs using each model, so a replaced model is released only when its last run ends. */
  const users = new Map<LoadedModel, number>();
  const retired = new Set<LoadedModel>();
  function retire(m: LoadedModel): void {
    retired.add(m);
    releaseIfIdle(m);
  }
  function releaseIfIdle(m: LoadedModel): void {
    if (retired.has(m) && !users.get(m)) {
      retired.delete(m);
      users.delete(m);
      m.lm.release().catch(() => undefined);
    }
  }
  /** Load requests waiting on each model key, so every caller sees its progress. */
  const listeners = new Map<string, Set<number>>();

  function load(reqId: number, request: LoadRequest): void {
    const key = JSON.stringify([request.modelUrl, request.dtype, request.backend]);
    if (!current || current.key !== key) {
      const previous = current;
      const promise = loadModel(request, {
        ...deps,
        onProgress: (progress) => {
          for (const id of listeners.get(key) ?? []) post({ type: 'progress', reqId: id, progress });
        },
      });
      current = { key, promise };
      promise.then(
        () => {
          // The old model is released once the runs still using it have finished.
          if (previous) previous.promise.then(retire).catch(() => undefined);
        },
        () => {
          if (current?.promise === promise) current = null;
        },
      );
    }
    const set = listeners.get(key) ?? new Set<number>();
    set.add(reqId);
    listeners.set(key, set);
    current.promise.then(
      (m) => post({ type: 'loaded', reqId, info: m.info }),
      (err: unknown) => post({ type: 'load-failed', reqId, error: serializeError(err, 'load') }),
    ).finally(() => set.delete(reqId));
  }

  async function run(runId: string, prompt: string, settings: unknown, startPaused: boolean, limit: number | null): Promise<void> {
    const state: RunState = { control: { stopRequested: false }, paused: startPaused, credits: 0, sent: 0, limit, wake: null };
    runs.set(runId, state);
    let model: LoadedModel | null = null;
    try {
      if (!current) throw new RuntimeError('load', 'No model is loaded: call load() before generate().');
      model = await current.promise;
      users.set(model, (users.get(model) ?? 0) + 1);
      const gen = generate(model, prompt, settings as never, state.control);
      // Events go out in batches, one message per loop iteration rather than one per event: the
      // batch is posted before anything that takes time (a forward pass, or waiting on the page),
      // so the page never waits on an event the worker already has.
      let batch: StepEvent[] = [];
      const flush = () => {
        if (batch.length === 0) return;
        post({ type: 'events', runId, events: batch });
        batch = [];
      };
      for (;;) {
        await gate(state, flush);
        const r = await gen.next();
        if (r.done) break;
        batch.push(r.value);
        state.sent++;
        if (r.value.step === 'done') break;
        if (FORWARD_FOLLOWS.has(r.value.step)) flush();
      }
      flush();
    } catch (err) {
      post({ type: 'run-failed', runId, error: serializeError(err, 'internal') });
    } finally {
      runs.delete(runId);
      if (model) {
        users.set(model, (users.get(model) ?? 1) - 1);
        releaseIfIdle(model);
      }
    }
  }

  /**
   * Waits until the run may compute its next event: never once stopped;
   * otherwise only within the page's flow-control window (so a slow reader
   * keeps the run near what it shows, and stop() lands where the reader is),
   * and, while paused, only for a step() credit. Before it blocks, it lets
   * messages already queued for the worker in (the page's credit usually is),
   * and only if still blocked hands the page what it has, via `flush`.
   */
  async function gate(s: RunState, flush: () => void): Promise<void> {
    let yielded = false;
    for (;;) {
      if (s.control.stopRequested) return;
      const withinWindow = s.limit === null || s.sent < s.limit;
      if (withinWindow && !s.paused) return;
      if (withinWindow && s.credits > 0) {
        s.credits--;
        return;
      }
      if (!yielded) {
        yielded = true;
        await nextTask();
        continue;
      }
      flush();
      await new Promise<void>((resolve) => (s.wake = resolve));
      s.wake = null;
    }
  }

  function control(type: 'pause' | 'resume' | 'step' | 'stop' | 'credit', runId: string, upTo?: number): void {
    const s = runs.get(runId);
    if (!s) return; // already finished: controls after the end are no-ops
    if (type === 'credit') s.limit = Math.max(s.limit ?? 0, upTo ?? 0);
    else if (type === 'pause') s.paused = true;
    else if (type === 'resume') s.paused = false;
    else if (type === 'step') s.credits++;
    else s.control.stopRequested = true;
    s.wake?.();
  }

  return {
    handle(msg: ToWorker): void {
      try {
        switch (msg.type) {
          case 'load':
            load(msg.reqId, msg.request);
            break;
          case 'generate':
            void run(msg.runId, msg.prompt, msg.settings, msg.startPaused, msg.limit);
            break;
          case 'pause':
          case 'resume':
          case 'step':
          case 'stop':
            control(msg.type, msg.runId);
            break;
          case 'credit':
            control('credit', msg.runId, msg.upTo);
            break;
          default:
            throw new Error(`unknown message ${describe(msg)}`);
        }
      } catch (err) {
        const m = msg as { reqId?: number; runId?: string };
        const error = serializeError(err, 'internal');
        if (m.reqId !== undefined) post({ type: 'load-failed', reqId: m.reqId, error });
        else if (m.runId !== undefined) post({ type: 'run-failed', runId: m.runId, error });
      }
    },
    /** For tests: how many runs are in flight. */
    get activeRuns(): number {
      return runs.size;
    },
  };
}
