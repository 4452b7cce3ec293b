/**
 * The one helper every loop yields through. `yield* emit(event)` numbers the
 * event, stops the busy clock while the consumer holds it (a paused reader
 * must not make the model look slow), and ends the run if the reader stopped:
 * checked before the event goes out (so a forward pass that finished after a
 * stop is dropped) and after it comes back (so nothing is committed past what
 * the reader was handed).
 */

import type { RunControl } from '../stopping';

/** Thrown through a loop when the reader stops; the loop turns it into its 'done' event. */
export const STOPPED: unique symbol = Symbol('stopped');

/** An event as a loop writes it: `emit` adds the index. */
export type Unindexed<E> = E extends unknown ? Omit<E, 'index'> : never;

const now = () => performance.now();

export function emitter<E extends { index: number }>(control: RunControl) {
	let index = 0;
	let busy = 0;
	let since = now();

	function* emit(event: Unindexed<E>): Generator<E, void, undefined> {
		if (control.stopRequested) throw STOPPED;
		busy += now() - since;
		yield { ...event, index: index++ } as unknown as E;
		since = now();
		if (control.stopRequested) throw STOPPED;
	}

	return {
		emit,
		/** Time the loop has spent computing so far, ms (the consumer's time excluded). */
		busyMs: (): number => busy + (now() - since),
		/** Stops the clock for good and returns the run's busy time, for its stats. */
		finish(): number {
			busy += now() - since;
			since = now();
			return busy;
		},
		/** Numbers the run's last event ('done'), which goes out whatever the reader did. */
		last: (event: Unindexed<E>): E => ({ ...event, index: index++ }) as unknown as E,
	};
}

/** For a loop's catch: a reader's stop becomes a reason, anything else goes on up. */
export function stoppedBy(err: unknown): 'stopped' {
	if (err !== STOPPED) throw err;
	return 'stopped';
}
