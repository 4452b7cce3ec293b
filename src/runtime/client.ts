/**
 * The page-side API widgets use. One Web Worker per page runs the model; this
 * file turns its messages back into promises and async iterables.
 *
 *   const rt = getRuntime();
 *   const info = await rt.load({}, (p) => bar(p.overallLoaded / p.overallTotal));
 *   const run = rt.generate('In the beginning', { maxNewTokens: 20, mode: 'cached', sampling: { strategy: 'greedy' } });
 *   for await (const ev of run) highlight(ev.step);
 */

import { RuntimeError, deserializeError } from './errors';
import type { BackendPreference, DoneEvent, GenerateSettings, LoadProgress, StepEvent } from './events';
import type { Dtype, LoadRequest, ModelInfo } from './loader';
import { resolveModel } from './model-url';
import type { FromWorker, Port, ToWorker } from './protocol';

export type { ModelInfo } from './loader';
export { RuntimeError } from './errors';

export interface LoadOptions {
  /** Model folder URL (default: the bundled model under the site's base path) or a hub model id ("owner/name"). */
  model?: string;
  backend?: BackendPreference;
  /** Default q8: a quarter of the download, same tokens on this model. */
  dtype?: Dtype;
}

export interface RunOptions {
  startPaused?: boolean;
}

export interface RunHandle extends AsyncIterable<StepEvent> {
  readonly id: string;
  pause(): void;
  resume(): void;
  /** When paused: release exactly one more event. */
  step(): void;
  /** Cancels within one forward pass; the run then ends with a 'done' event, reason 'stopped'. */
  stop(): void;
  readonly done: Promise<DoneEvent>;
}

export interface RuntimeClient {
  load(opts?: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo>;
  generate(prompt: string, settings: GenerateSettings, opts?: RunOptions): RunHandle;
}

const DEFAULT_MODEL_PATH = 'models/kjv-gpt-2m/';
/**
 * How many events the worker may compute beyond what the page has taken. The
 * page grants more each time it has taken everything it was sent, which the
 * worker sends as one batch per loop iteration (forward … eos-check, 5
 * events). Six lets the worker run the next token's forward pass while the
 * page consumes this token's batch, yet never further: it cannot select or
 * append a token before the page has taken the previous token's whole batch,
 * so a run the reader stops never commits a token they have not been handed,
 * and stop() costs at most one forward pass.
 */
const FLOW_WINDOW = 6;
const ORT_PATH = 'ort/';

function siteBase(): string {
  const base = import.meta.env.BASE_URL || '/';
  const withSlash = base.endsWith('/') ? base : `${base}/`;
  const origin = (globalThis as { location?: { href: string } }).location?.href ?? 'http://localhost/';
  return new URL(withSlash, origin).href;
}

class Run implements RunHandle {
  readonly done: Promise<DoneEvent>;
  private resolveDone!: (d: DoneEvent) => void;
  private rejectDone!: (e: RuntimeError) => void;
  private readonly queue: StepEvent[] = [];
  private readonly waiters: Array<{ resolve: (r: IteratorResult<StepEvent>) => void; reject: (e: unknown) => void }> = [];
  private paused: boolean;
  private credits = 0;
  private stopping = false;
  private ended = false;
  private error: RuntimeError | null = null;
  /** Set once the worker has the run; controls sent before that wait here. */
  private send: ((m: ToWorker) => void) | null = null;
  private pendingControls: ToWorker[] = [];
  /** Flow control: once someone iterates, the worker stays at most FLOW_WINDOW events ahead of them. */
  private iterating = false;
  private delivered = 0;
  private credited = 0;

  constructor(
    readonly id: string,
    startPaused: boolean,
  ) {
    this.paused = startPaused;
    this.done = new Promise<DoneEvent>((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    // A caller that only iterates must not see an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** The 'generate' message's flow-control limit: unlimited for a run nobody iterates (only `done` awaited). */
  get initialLimit(): number | null {
    return this.iterating ? this.delivered + FLOW_WINDOW : null;
  }

  attach(send: (m: ToWorker) => void): void {
    this.send = send;
    this.credited = this.initialLimit ?? 0;
    for (const m of this.pendingControls.splice(0)) send(m);
  }

  private post(m: ToWorker): void {
    if (this.ended) return;
    if (this.send) this.send(m);
    else this.pendingControls.push(m);
  }

  private control(type: 'pause' | 'resume' | 'step' | 'stop'): void {
    this.post({ type, runId: this.id });
  }

  /** One credit per batch taken, not per event: sent once the page has taken all it was sent. */
  private credit(): void {
    const upTo = this.delivered + FLOW_WINDOW;
    if (!this.iterating || !this.send || this.queue.length > 0 || upTo <= this.credited) return;
    this.credited = upTo;
    this.post({ type: 'credit', runId: this.id, upTo });
  }

  pause(): void {
    this.paused = true;
    this.control('pause');
  }

  resume(): void {
    this.paused = false;
    this.control('resume');
    this.flush();
  }

  step(): void {
    if (!this.paused) return;
    this.credits++;
    this.control('step');
    this.flush();
  }

  stop(): void {
    this.stopping = true;
    this.control('stop');
    this.flush();
  }

  /** From the worker: one batch of events, in order. */
  push(events: readonly StepEvent[]): void {
    for (const ev of events) {
      this.queue.push(ev);
      if (ev.step === 'done') {
        this.ended = true;
        this.resolveDone(ev);
      }
    }
    this.flush();
  }

  fail(err: RuntimeError): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.rejectDone(err);
    this.flush();
  }

  /**
   * Hands queued events to waiting consumers. The worker already stops
   * computing while paused; gating here as well makes pause() and step() exact
   * even for an event that was in flight when pause() was called.
   */
  private flush(): void {
    while (this.waiters.length > 0 && this.queue.length > 0) {
      const gated = this.paused && !this.stopping;
      if (gated && this.credits === 0) break;
      if (gated) this.credits--;
      this.delivered++;
      this.waiters.shift()!.resolve({ value: this.queue.shift()!, done: false });
    }
    this.credit();
    if (this.queue.length === 0 && this.ended) {
      for (const w of this.waiters.splice(0)) {
        if (this.error) w.reject(this.error);
        else w.resolve({ value: undefined, done: true });
      }
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<StepEvent> {
    if (!this.iterating) {
      this.iterating = true;
      this.credit();
    }
    return {
      next: () =>
        new Promise<IteratorResult<StepEvent>>((resolve, reject) => {
          this.waiters.push({ resolve, reject });
          this.flush();
        }),
      // Leaving a for-await loop early ends the run rather than leaving it computing.
      return: async () => {
        if (!this.ended) this.stop();
        return { value: undefined, done: true };
      },
    };
  }
}

/** The client over any port, so tests can wire it to an in-process host. */
export function createRuntimeClient(connect: () => Port<FromWorker, ToWorker>): RuntimeClient {
  let port: Port<FromWorker, ToWorker> | null = null;
  let nextReq = 1;
  let nextRun = 1;
  const pendingLoads = new Map<number, { resolve: (i: ModelInfo) => void; reject: (e: RuntimeError) => void; listeners: Set<(p: LoadProgress) => void> }>();
  const activeRuns = new Map<string, Run>();
  let shared: { key: string; promise: Promise<ModelInfo>; listeners: Set<(p: LoadProgress) => void>; last?: LoadProgress } | null = null;

  function failAll(err: RuntimeError): void {
    for (const p of pendingLoads.values()) p.reject(err);
    pendingLoads.clear();
    for (const r of activeRuns.values()) r.fail(err);
    activeRuns.clear();
    port = null;
    shared = null;
  }

  function getPort(): Port<FromWorker, ToWorker> {
    if (port) return port;
    let p: Port<FromWorker, ToWorker>;
    try {
      p = connect();
    } catch (err) {
      throw new RuntimeError('internal', `Could not start the runtime worker: ${err instanceof Error ? err.message : String(err)}`);
    }
    p.onmessage = (ev) => onMessage(ev.data);
    const w = p as unknown as { addEventListener?: (t: string, f: (e: { message?: string }) => void) => void };
    w.addEventListener?.('error', (e) => {
      failAll(new RuntimeError('internal', `The runtime worker crashed${e.message ? `: ${e.message}` : ''}`));
    });
    w.addEventListener?.('messageerror', () => failAll(new RuntimeError('internal', 'A message from the runtime worker could not be read')));
    port = p;
    return p;
  }

  function onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'progress':
        for (const l of pendingLoads.get(m.reqId)?.listeners ?? []) l(m.progress);
        break;
      case 'loaded':
        pendingLoads.get(m.reqId)?.resolve(m.info);
        pendingLoads.delete(m.reqId);
        break;
      case 'load-failed':
        pendingLoads.get(m.reqId)?.reject(deserializeError(m.error));
        pendingLoads.delete(m.reqId);
        break;
      case 'events':
        activeRuns.get(m.runId)?.push(m.events);
        if (m.events.some((e) => e.step === 'done')) activeRuns.delete(m.runId);
        break;
      case 'run-failed':
        activeRuns.get(m.runId)?.fail(deserializeError(m.error));
        activeRuns.delete(m.runId);
        break;
    }
  }

  function load(opts: LoadOptions = {}, onProgress?: (p: LoadProgress) => void): Promise<ModelInfo> {
    const base = siteBase();
    let request: LoadRequest;
    try {
      const { modelUrl, modelId } = resolveModel(opts.model ?? DEFAULT_MODEL_PATH, base);
      const backend = opts.backend ?? 'auto';
      if (!['auto', 'webgpu', 'wasm'].includes(backend)) {
        throw new RuntimeError('bad-settings', `Invalid load option "backend": expected "auto", "webgpu" or "wasm", got ${JSON.stringify(backend)}`, { field: 'backend' });
      }
      const dtype = opts.dtype ?? 'q8';
      if (dtype !== 'q8' && dtype !== 'fp32') {
        throw new RuntimeError('bad-settings', `Invalid load option "dtype": expected "q8" or "fp32", got ${JSON.stringify(dtype)}`, { field: 'dtype' });
      }
      request = { modelUrl, modelId, dtype, backend, ortBaseUrl: new URL(ORT_PATH, base).href };
    } catch (err) {
      return Promise.reject(err instanceof RuntimeError ? err : new RuntimeError('load', String(err)));
    }
    const key = JSON.stringify([request.modelUrl, request.dtype, request.backend]);
    if (shared && shared.key === key) {
      if (onProgress) {
        shared.listeners.add(onProgress);
        if (shared.last) onProgress(shared.last);
      }
      return shared.promise;
    }
    const listeners = new Set<(p: LoadProgress) => void>();
    if (onProgress) listeners.add(onProgress);
    const reqId = nextReq++;
    const entry: NonNullable<typeof shared> = { key, listeners, promise: null as unknown as Promise<ModelInfo> };
    const fanOut = (p: LoadProgress) => {
      entry.last = p;
      for (const l of listeners) {
        try {
          l(p);
        } catch {
          // A widget's progress bar must not break the load for the others.
        }
      }
    };
    entry.promise = new Promise<ModelInfo>((resolve, reject) => {
      pendingLoads.set(reqId, { resolve, reject, listeners: new Set([fanOut]) });
      try {
        getPort().postMessage({ type: 'load', reqId, request });
      } catch (err) {
        pendingLoads.delete(reqId);
        reject(err instanceof RuntimeError ? err : new RuntimeError('internal', String(err)));
      }
    });
    // A failed load is forgotten so the next load() tries again.
    entry.promise.catch(() => {
      if (shared === entry) shared = null;
    });
    shared = entry;
    return entry.promise;
  }

  function generate(prompt: string, settings: GenerateSettings, opts: RunOptions = {}): RunHandle {
    const id = `run-${nextRun++}`;
    const run = new Run(id, Boolean(opts.startPaused));
    activeRuns.set(id, run);
    // generate() may be called before load() finished (or at all): runs wait for the model.
    const ready = shared?.promise ?? load();
    ready.then(
      () => {
        if (!activeRuns.has(id)) return;
        try {
          const p = getPort();
          p.postMessage({ type: 'generate', runId: id, prompt, settings, startPaused: Boolean(opts.startPaused), limit: run.initialLimit });
          run.attach((m) => port?.postMessage(m));
        } catch (err) {
          activeRuns.delete(id);
          run.fail(err instanceof RuntimeError ? err : new RuntimeError('internal', `Could not start the run: ${String(err)}`));
        }
      },
      (err: unknown) => {
        activeRuns.delete(id);
        run.fail(err instanceof RuntimeError ? err : new RuntimeError('load', String(err)));
      },
    );
    return run;
  }

  return { load, generate };
}

let singleton: RuntimeClient | null = null;

/** The page's runtime: one shared worker and one shared model for every widget. */
export function getRuntime(): RuntimeClient {
  singleton ??= createRuntimeClient(
    () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'token-by-token-runtime' }) as unknown as Port<FromWorker, ToWorker>,
  );
  return singleton;
}
