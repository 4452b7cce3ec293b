/**
 * One run as the page sees it: an async iterable of its events with pause,
 * step and stop. Everything about pace lives here, and only here: paused or
 * not, how many single steps are owed, and how far the worker may run ahead.
 *
 * The worker may run `FLOW_WINDOW` loop iterations beyond what the reader has
 * taken in full, counted in iterations, not events, so it does not matter how
 * many events a loop's iteration has. With one, the worker runs the next
 * iteration's forward pass while the reader takes this iteration's events, but
 * cannot commit its token before the reader has them all: a run the reader
 * stops never commits a token they were not handed, and stop() costs at most
 * one forward pass. Pausing needs no message: the reader stops taking events,
 * so no credit goes back and the worker holds within that one iteration.
 *
 * A run started with `realtime` (RunOptions) lets the worker run
 * REALTIME_LOOKAHEAD iterations ahead while it is not paused: it then reads its
 * messages once every few tokens instead of waiting on the page for each one
 * (it sees a credit only between tasks, and its loop runs a token as one task).
 * Pause and step stay exact (the reader is handed one event per step, and the
 * window is one iteration again while paused), everything the worker made is
 * handed over in order before 'done', and stop() lands within
 * REALTIME_LOOKAHEAD forward passes of the reader's position instead of one.
 */

import type { RuntimeError } from './errors';
import type { StepEvent } from './events';
import type { AnyLoopEvent, DoneOf } from './loops/types';
import type { LoopName } from './loops/vocabulary';
import type { ToWorker } from './protocol';

export const FLOW_WINDOW = 1;
/** The window of a run started with `realtime` while it is not paused. */
export const REALTIME_LOOKAHEAD = 4;

export interface RunHandle<E extends { step: string } = StepEvent> extends AsyncIterable<E> {
	readonly id: string;
	/** The named loop this run executes. */
	readonly loop: LoopName;
	pause(): void;
	resume(): void;
	/** When paused: release exactly one more event. */
	step(): void;
	/** Cancels within one forward pass; the run then ends with a 'done' event, reason 'stopped'. */
	stop(): void;
	readonly done: Promise<DoneOf<E>>;
}

interface Queued<E> {
	event: E;
	/** The last event of a loop iteration (or of the run). */
	endsIteration: boolean;
}

export class Run<E extends AnyLoopEvent> implements RunHandle<E> {
	readonly done: Promise<DoneOf<E>>;
	private resolveDone!: (d: DoneOf<E>) => void;
	private rejectDone!: (e: RuntimeError) => void;
	private readonly queue: Queued<E>[] = [];
	private readonly waiters: Array<{ resolve: (r: IteratorResult<E>) => void; reject: (e: unknown) => void }> = [];
	private paused: boolean;
	/** Single steps owed while paused. */
	private steps = 0;
	private stopping = false;
	private ended = false;
	private error: RuntimeError | null = null;
	/** Set once the worker has the run; a stop sent before that waits here. */
	private send: ((m: ToWorker) => void) | null = null;
	private pendingStop = false;
	private iterating = false;
	/** Loop iterations taken in full (for a run nobody iterates: arrived while not paused). */
	private taken = 0;
	/** Iterations arrived in full, for a run nobody iterates that resumes. */
	private arrived = 0;
	/** The window the worker was last given. */
	private granted: number;

	constructor(
		readonly id: string,
		readonly loop: LoopName,
		startPaused: boolean,
		private readonly lookahead = FLOW_WINDOW,
	) {
		this.paused = startPaused;
		this.granted = this.window;
		this.done = new Promise<DoneOf<E>>((res, rej) => {
			this.resolveDone = res;
			this.rejectDone = rej;
		});
		// A caller that only iterates must not see an unhandled rejection.
		this.done.catch(() => undefined);
	}

	/** The window the 'run' message starts with. */
	get initialLimit(): number {
		return this.granted;
	}

	attach(send: (m: ToWorker) => void): void {
		this.send = send;
		if (this.pendingStop) this.post({ type: 'stop', runId: this.id });
	}

	private post(m: ToWorker): void {
		if (this.ended) return;
		if (this.send) this.send(m);
		else if (m.type === 'stop') this.pendingStop = true;
	}

	pause(): void {
		this.paused = true;
	}

	resume(): void {
		this.paused = false;
		if (!this.iterating) this.took(this.arrived);
		this.flush();
	}

	step(): void {
		if (!this.paused) return;
		this.steps++;
		this.flush();
	}

	stop(): void {
		this.stopping = true;
		this.post({ type: 'stop', runId: this.id });
		this.flush();
	}

	/** From the worker: events in order; `complete` when they end an iteration. */
	push(events: readonly E[], complete: boolean): void {
		events.forEach((event, i) => {
			this.queue.push({ event, endsIteration: complete && i === events.length - 1 });
			if (event.step === 'done') {
				this.ended = true;
				this.resolveDone(event as DoneOf<E>);
			}
		});
		const last = events[events.length - 1];
		if (complete && last) this.arrived = Math.max(this.arrived, last.iteration + 1);
		if (!this.iterating && !this.paused) this.took(this.arrived);
		this.flush();
	}

	fail(err: RuntimeError): void {
		if (this.ended) return;
		this.ended = true;
		this.error = err;
		this.rejectDone(err);
		this.flush();
	}

	/** Iterations the worker may run beyond what the reader has taken. */
	private get window(): number {
		return this.paused ? FLOW_WINDOW : this.lookahead;
	}

	/**
	 * The reader has taken every iteration below `iterations`: widen the worker's
	 * window, by at least half of it at a time, so a wide window costs fewer
	 * credits. The worker blocks only once the reader has taken everything it
	 * posted, and then the window widens by all of it.
	 */
	private took(iterations: number): void {
		this.taken = Math.max(this.taken, iterations);
		const window = this.window;
		const upTo = this.taken + window;
		if (upTo - this.granted < Math.ceil(window / 2) || !this.send) return;
		this.granted = upTo;
		this.post({ type: 'credit', runId: this.id, upTo });
	}

	/** Hands queued events to waiting readers, one per step() while paused. */
	private flush(): void {
		while (this.waiters.length > 0 && this.queue.length > 0) {
			const gated = this.paused && !this.stopping;
			if (gated && this.steps === 0) break;
			if (gated) this.steps--;
			const { event, endsIteration } = this.queue.shift()!;
			if (endsIteration) this.took(event.iteration + 1);
			this.waiters.shift()!.resolve({ value: event, done: false });
		}
		if (this.queue.length === 0 && this.ended) {
			for (const w of this.waiters.splice(0)) {
				if (this.error) w.reject(this.error);
				else w.resolve({ value: undefined, done: true });
			}
		}
	}

	[Symbol.asyncIterator](): AsyncIterator<E> {
		this.iterating = true;
		return {
			next: () =>
				new Promise<IteratorResult<E>>((resolve, reject) => {
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
