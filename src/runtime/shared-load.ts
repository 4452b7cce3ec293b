/**
 * "Load once and share", written once for both ends of the worker boundary:
 * the first caller for a key starts the load, later callers join it and see
 * its progress (the latest report at once), a failed load is forgotten so the
 * next call retries, and a call for another key replaces the current load.
 *
 * Callers may give up (their own AbortSignal): each is rejected with a
 * 'cancelled' error at once. The load itself is aborted only when no caller is
 * left waiting for it, since other widgets may still want the model; an
 * aborted load is forgotten at once, so the next call starts a fresh one.
 */

import { loadCancelled } from './errors';

interface Entry<T, P> {
	key: string;
	promise: Promise<T>;
	listeners: Set<(p: P) => void>;
	last?: P;
	/** Callers still waiting (not settled, not cancelled). */
	waiting: number;
	settled: boolean;
	abort: AbortController;
}

export type StartLoad<T, P> = (report: (p: P) => void, signal: AbortSignal) => Promise<T>;

export class SharedLoad<T, P> {
	private entry: Entry<T, P> | null = null;

	/** `onReplaced` gets the previous load once a load for another key has succeeded. */
	constructor(private readonly onReplaced?: (previous: Promise<T>) => void) {}

	get(key: string, start: StartLoad<T, P>, onProgress?: (p: P) => void, signal?: AbortSignal): Promise<T> {
		if (signal?.aborted) return Promise.reject(loadCancelled());
		if (this.entry?.key !== key) this.entry = this.begin(key, start);
		const entry = this.entry;
		if (entry.settled) return entry.promise;
		if (onProgress) {
			entry.listeners.add(onProgress);
			if (entry.last !== undefined) onProgress(entry.last);
		}
		entry.waiting++;
		if (!signal) return entry.promise;
		return new Promise<T>((resolve, reject) => {
			const cancel = () => {
				if (onProgress) entry.listeners.delete(onProgress);
				reject(loadCancelled());
				if (--entry.waiting > 0 || entry.settled) return;
				entry.abort.abort();
				if (this.entry === entry) this.entry = null;
			};
			signal.addEventListener('abort', cancel, { once: true });
			entry.promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', cancel));
		});
	}

	private begin(key: string, start: StartLoad<T, P>): Entry<T, P> {
		const previous = this.entry;
		const entry: Entry<T, P> = {
			key,
			listeners: new Set(),
			promise: Promise.resolve(null as T),
			waiting: 0,
			settled: false,
			abort: new AbortController(),
		};
		const report = (p: P) => {
			entry.last = p;
			for (const listener of entry.listeners) {
				try {
					listener(p);
				} catch {
					// One widget's progress bar must not break the load for the others.
				}
			}
		};
		entry.promise = start(report, entry.abort.signal);
		entry.promise.then(
			() => {
				entry.settled = true;
				if (previous) this.onReplaced?.(previous.promise);
			},
			() => {
				entry.settled = true;
				if (this.entry === entry) this.entry = null;
			},
		);
		return entry;
	}

	/** The load in flight or done, if any. */
	get current(): Promise<T> | null {
		return this.entry?.promise ?? null;
	}

	forget(): void {
		this.entry = null;
	}
}
