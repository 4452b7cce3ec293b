/**
 * "Load once and share", written once for both ends of the worker boundary:
 * the first caller for a key starts the load, later callers join it and see
 * its progress (the latest report at once), a failed load is forgotten so the
 * next call retries, and a call for another key replaces the current load.
 */

interface Entry<T, P> {
  key: string;
  promise: Promise<T>;
  listeners: Set<(p: P) => void>;
  last?: P;
}

export class SharedLoad<T, P> {
  private entry: Entry<T, P> | null = null;

  /** `onReplaced` gets the previous load once a load for another key has succeeded. */
  constructor(private readonly onReplaced?: (previous: Promise<T>) => void) {}

  get(key: string, start: (report: (p: P) => void) => Promise<T>, onProgress?: (p: P) => void): Promise<T> {
    if (this.entry?.key !== key) {
      const previous = this.entry;
      const entry: Entry<T, P> = { key, listeners: new Set(), promise: Promise.resolve(null as T) };
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
      entry.promise = start(report);
      this.entry = entry;
      entry.promise.then(
        () => previous && this.onReplaced?.(previous.promise),
        () => {
          if (this.entry === entry) this.entry = null;
        },
      );
    }
    const entry = this.entry!;
    if (onProgress) {
      entry.listeners.add(onProgress);
      if (entry.last !== undefined) onProgress(entry.last);
    }
    return entry.promise;
  }

  /** The load in flight or done, if any. */
  get current(): Promise<T> | null {
    return this.entry?.promise ?? null;
  }

  forget(): void {
    this.entry = null;
  }
}
