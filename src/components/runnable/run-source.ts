/**
 * What a run controller drives: a source that prepares once (downloads a model) and then starts
 * runs, each a stream of events that can be paused, released one event at a time, and stopped.
 * `runtime-adapter.ts` implements it with the real runtime; unit tests implement it with fakes.
 * Nothing here knows about the DOM or about tensors.
 */

/** The least a controller needs to know about an event: where it sits in the run, which step it is. */
export interface RunEvent {
	readonly index: number;
	readonly step: string;
}

/** One run in progress. Iterating it yields its events; the iteration ends when the run ends. */
export interface RunStream<E extends RunEvent> extends AsyncIterable<E> {
	pause(): void;
	resume(): void;
	/** While paused: release exactly one more event. */
	step(): void;
	/** Ends the run soon; the stream should then end on its own. */
	stop(): void;
}

/** Download progress in a form any panel can show: `total` 0 means "unknown size". */
export interface PrepareProgress {
	loaded: number;
	total: number;
	/** What is being fetched, in a few words the reader can read. */
	label: string;
}

export interface RunSource<S, E extends RunEvent, Info = unknown> {
	/** Makes the source ready to start runs (loads the model once); may be called before every run.
	 *  Aborting `signal` abandons this caller's wait, and the download once no other caller waits. */
	prepare(onProgress: (progress: PrepareProgress) => void, signal?: AbortSignal): Promise<Info>;
	/** Starts a run with these settings; `startPaused` holds it until `step()` or `resume()`. */
	start(settings: S, options: { startPaused: boolean }): RunStream<E>;
	/** A reader-facing sentence for anything prepare, start or the stream threw. */
	describeFailure(error: unknown): string;
}
