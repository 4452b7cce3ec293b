/**
 * The worker side of the runtime, independent of `self` so Node tests can
 * drive it directly. It owns one loaded model, shared by every run, and runs
 * any named loop, one event at a time, within the page's flow window.
 *
 * Runs interleave rather than queue: each has its own state and KV cache, and
 * the model serialises the forward passes, so a paused run never blocks
 * another widget and no run can see another's state.
 *
 * Pause and single-step belong to the page (client.ts): it simply stops
 * taking events, and the flow window then holds the worker. The host knows
 * only the window and stop.
 */

import { RuntimeError, describe, serializeError } from './errors';
import { loadModel, type LoadDeps, type LoadRequest, type LoadedModel } from './loader';
import type { LoadProgress } from './events';
import { LOOPS } from './loops/index';
import type { AnyLoopEvent } from './loops/types';
import { isLoopName } from './loops/vocabulary';
import type { FromWorker, ToWorker } from './protocol';
import { SharedLoad } from './shared-load';
import type { RunControl } from './stopping';

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
	/** The run may finish loop iteration k only while k < limit (the page's flow window). */
	limit: number;
	wake: (() => void) | null;
}

export interface HostDeps extends Omit<LoadDeps, 'onProgress' | 'signal'> {}

export function createHost(post: (m: FromWorker) => void, deps: HostDeps) {
	const runs = new Map<string, RunState>();
	/** Runs using each model, so a replaced model is released only when its last run ends. */
	const users = new Map<LoadedModel, number>();
	const retired = new Set<LoadedModel>();
	const releaseIfIdle = (m: LoadedModel): void => {
		if (retired.has(m) && !users.get(m)) {
			retired.delete(m);
			users.delete(m);
			m.lm.release().catch(() => undefined);
		}
	};
	const model = new SharedLoad<LoadedModel, LoadProgress>((previous) =>
		previous
			.then((m) => {
				retired.add(m);
				releaseIfIdle(m);
			})
			.catch(() => undefined),
	);

	/** Each load request's own cancel; the shared load is aborted only when none is left waiting. */
	const loadRequests = new Map<number, AbortController>();

	function load(reqId: number, request: LoadRequest): void {
		const key = JSON.stringify([request.modelUrl, request.dtype, request.backend]);
		const progress = (p: LoadProgress) => post({ type: 'progress', reqId, progress: p });
		const cancel = new AbortController();
		loadRequests.set(reqId, cancel);
		const start = (report: (p: LoadProgress) => void, signal: AbortSignal) =>
			loadModel(request, { ...deps, onProgress: report, signal });
		model
			.get(key, start, progress, cancel.signal)
			.then(
				(m) => post({ type: 'loaded', reqId, info: m.info }),
				(err: unknown) => post({ type: 'load-failed', reqId, error: serializeError(err, 'load') }),
			)
			.finally(() => loadRequests.delete(reqId));
	}

	async function run(msg: Extract<ToWorker, { type: 'run' }>): Promise<void> {
		const { runId } = msg;
		const state: RunState = { control: { stopRequested: false }, limit: msg.limit, wake: null };
		runs.set(runId, state);
		let loaded: LoadedModel | null = null;
		try {
			if (!isLoopName(msg.loop))
				throw new RuntimeError('bad-settings', `Unknown loop ${JSON.stringify(msg.loop)}`, { field: 'loop' });
			const loop = LOOPS[msg.loop];
			const current = model.current;
			if (!current) throw new RuntimeError('load', 'No model is loaded: call load() before running a loop.');
			loaded = await current;
			users.set(loaded, (users.get(loaded) ?? 0) + 1);
			const events = loop.start(loaded, msg.input, msg.settings, state.control);

			let batch: AnyLoopEvent[] = [];
			const send = (complete: boolean) => {
				if (batch.length === 0) return;
				post({ type: 'events', runId, events: batch, complete });
				batch = [];
			};
			// The first event after an iteration ends is the next forward pass: it may run ahead of the
			// page. What follows it commits that iteration's token, so it waits for the window.
			let iteration = -1;
			let betweenIterations = true;
			for (;;) {
				if (!betweenIterations) await gate(state, iteration, () => send(false));
				const r = await events.next();
				if (r.done) break;
				batch.push(r.value);
				iteration = r.value.iteration;
				if (r.value.step === 'done') break;
				betweenIterations = loop.endsIteration.has(r.value.step);
				// Posted before the forward pass that follows, so the page never waits on events the worker holds.
				if (betweenIterations) send(true);
			}
			send(true);
		} catch (err) {
			post({ type: 'run-failed', runId, error: serializeError(err, 'internal') });
		} finally {
			runs.delete(runId);
			if (loaded) {
				users.set(loaded, (users.get(loaded) ?? 1) - 1);
				releaseIfIdle(loaded);
			}
		}
	}

	/**
	 * Waits until the run may go on with `iteration`: at once once stopped;
	 * otherwise only inside the page's window, so a slow or paused reader keeps
	 * the run near what it shows and stop() lands where the reader is. Before it
	 * blocks, it lets messages already queued for the worker in (the page's
	 * credit usually is), and only if still blocked hands the page what it has.
	 */
	async function gate(s: RunState, iteration: number, handOver: () => void): Promise<void> {
		let yielded = false;
		while (!s.control.stopRequested && iteration >= s.limit) {
			if (!yielded) {
				yielded = true;
				await nextTask();
				continue;
			}
			handOver();
			await new Promise<void>((resolve) => (s.wake = resolve));
			s.wake = null;
		}
	}

	return {
		handle(msg: ToWorker): void {
			try {
				switch (msg.type) {
					case 'load':
						load(msg.reqId, msg.request);
						break;
					case 'cancel-load':
						loadRequests.get(msg.reqId)?.abort(); // unknown: already settled
						break;
					case 'run':
						void run(msg);
						break;
					case 'stop':
					case 'credit': {
						const s = runs.get(msg.runId);
						if (!s) break; // already finished: controls after the end are no-ops
						if (msg.type === 'stop') s.control.stopRequested = true;
						else s.limit = Math.max(s.limit, msg.upTo);
						s.wake?.();
						break;
					}
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
