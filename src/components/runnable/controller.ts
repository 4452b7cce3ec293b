/**
 * The run controller of one runnable block, with no DOM: its state (the table in run-states.ts),
 * pacing (real time, slow motion, one event per Step), stop, reset, scrubbing through the recorded
 * run, and opening a run at a linked event. Panels subscribe to it; a run source feeds it events.
 */
import type { PrepareProgress, RunEvent, RunSource, RunStream } from './run-source';
import type { ControllerOptions, RunOptions } from './controller-options';
import { nextState, type Change, type Notice, type Pace, type RunInput, type RunState } from './run-states';

export type { ControllerOptions, RunOptions } from './controller-options';
export type { Change, Notice, Pace, RunInput, RunState } from './run-states';

/** Slow motion: how long each event stays on screen. */
export const SLOW_DWELL_MS = 650;
/** Stop must end the run within a second; after this the controller stops waiting for the source. */
export const STOP_GRACE_MS = 800;

export class RunController<S, E extends RunEvent, Info = unknown> {
	state: RunState = 'idle';
	/** The chosen pace. */
	pace: Pace;
	/** The events of the current (or last) run, in order; a new array for every run. */
	events: E[] = [];
	/** The settings of the current (or last) run. */
	settings: S | undefined;
	info: Info | undefined;
	progress: PrepareProgress | undefined;
	failure: string | undefined;
	notice: Notice | undefined;
	/** Counts runs; a run's events are dropped once a newer run (or a reset) has begun. */
	runNumber = 0;
	/** Stop was asked for and the run has not ended yet. */
	stopping = false;
	/** The named loop the source runs. */
	readonly loop: string | undefined;

	private readonly source: RunSource<S, E, Info>;
	private readonly listeners = new Set<(change: Change) => void>();
	private stream: RunStream<E> | undefined;
	/** Cancels this run's wait for the model; the download itself stops once no other run waits. */
	private loadAbort: AbortController | undefined;
	/** The pace Resume returns to after Step has taken over. */
	private flowingPace: 'realtime' | 'slow';
	private scrubIndex: number | undefined;
	private openAt: number | undefined;
	private dwellTimer: ReturnType<typeof setTimeout> | undefined;
	private dwellWhenShown = false;
	private stopTimer: ReturnType<typeof setTimeout> | undefined;

	constructor(private readonly options: ControllerOptions<S, E, Info>) {
		this.source = options.source;
		this.loop = options.loop;
		this.pace = options.pace ?? 'slow';
		this.flowingPace = this.pace === 'realtime' ? 'realtime' : 'slow';
	}

	/** The index of the event on screen: the chosen one while scrubbing, else the latest; -1 before any. */
	get shownIndex(): number {
		return this.scrubIndex ?? this.events.length - 1;
	}

	get scrubbing(): boolean {
		return this.scrubIndex !== undefined;
	}

	subscribe(listener: (change: Change) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	// ---- commands ------------------------------------------------------------------------

	async run(options: RunOptions<S> = {}): Promise<void> {
		if (!this.transition('run')) return;
		this.abandon();
		const run = this.runNumber;
		if (options.pace) this.setPaceValue(options.pace);
		this.settings = options.settings ?? this.options.settings();
		this.openAt = options.openAt;
		this.events = [];
		this.failure = undefined;
		this.notice = undefined;
		this.progress = undefined;
		this.emit('reset');

		// A second Run while loading keeps waiting on the same load rather than restarting it.
		const loadAbort = this.loadAbort?.signal.aborted === false ? this.loadAbort : new AbortController();
		this.loadAbort = loadAbort;
		try {
			this.info = await this.source.prepare((p) => {
				if (run !== this.runNumber) return;
				this.progress = p;
				this.emit('progress');
			}, loadAbort.signal);
			if (this.loadAbort === loadAbort) this.loadAbort = undefined;
		} catch (error) {
			if (run === this.runNumber) this.fail(error);
			return;
		}
		if (run !== this.runNumber) return;

		const held = this.pace !== 'realtime';
		let stream: RunStream<E>;
		try {
			stream = this.source.start(this.settings, { startPaused: held });
		} catch (error) {
			this.fail(error);
			return;
		}
		this.stream = stream;
		this.transition(this.pace === 'step' ? 'started-held' : 'started');
		if (held) stream.step();

		try {
			for await (const event of stream) {
				if (run !== this.runNumber) return;
				this.onEvent(event);
			}
		} catch (error) {
			if (run === this.runNumber) this.fail(error);
			return;
		}
		if (run === this.runNumber) this.finish();
	}

	pause(): void {
		if (this.state !== 'running' || !this.stream) return;
		this.clearDwell();
		this.stream.pause();
		this.transition('pause');
	}

	/** Continues a paused run at the pace chosen before it was paused or stepped. */
	resume(): void {
		if (this.state !== 'paused' || !this.stream) return;
		if (this.pace === 'step') this.setPaceValue(this.flowingPace);
		this.transition('resume');
		if (this.pace === 'realtime') this.stream.resume();
		else this.stream.step();
	}

	togglePause(): void {
		if (this.state === 'running') this.pause();
		else if (this.state === 'paused') this.resume();
	}

	/** One event forward: in a run, the next event (pausing it); after a run, the next recorded event; before any run, a new run held at its first event. */
	step(): void {
		if (this.state === 'idle') {
			void this.run({ pace: 'step' });
			return;
		}
		if (this.state === 'done') {
			this.scrubBy(1);
			return;
		}
		if ((this.state !== 'running' && this.state !== 'paused') || !this.stream) return;
		this.clearDwell();
		if (this.state === 'running') this.stream.pause();
		this.setPaceValue('step');
		this.transition('step');
		this.stream.step();
	}

	stop(): void {
		if (this.state === 'loading') {
			this.runNumber++;
			this.cancelLoad();
			this.transition('stop');
			this.setNotice({ kind: 'stopped-while-loading' });
			return;
		}
		const stream = this.stream;
		if ((this.state !== 'running' && this.state !== 'paused') || !stream || this.stopping) return;
		this.clearDwell();
		this.stopping = true;
		halt(stream);
		this.transition('stop');
		const run = this.runNumber;
		this.stopTimer = setTimeout(() => {
			if (run !== this.runNumber || this.state === 'done') return;
			this.runNumber++;
			this.finish();
			this.setNotice({ kind: 'stopped-unconfirmed' });
		}, this.options.stopGraceMs ?? STOP_GRACE_MS);
	}

	reset(): void {
		if (!this.transition('reset')) return;
		this.cancelLoad();
		this.abandon();
		this.events = [];
		this.failure = undefined;
		this.notice = undefined;
		this.progress = undefined;
		this.emit('reset');
	}

	setPace(pace: Pace): void {
		this.setPaceValue(pace);
		const stream = this.stream;
		if (!stream || (this.state !== 'running' && this.state !== 'paused')) return;
		this.clearDwell();
		if (this.state !== 'running') return;
		if (pace === 'realtime') stream.resume();
		else if (pace === 'slow') {
			stream.pause();
			this.dwellThenStep();
		} else {
			stream.pause();
			this.transition('pause');
		}
	}

	/** Shows recorded event `index` (clamped) of a finished run. */
	scrubTo(index: number): void {
		if (this.state !== 'done' || !this.events.length) return;
		this.scrubIndex = Math.max(0, Math.min(this.events.length - 1, index));
		this.transition('scrub');
		this.emit('scrub');
	}

	scrubBy(delta: number): void {
		if (this.state !== 'done' || !this.events.length) return;
		this.scrubTo(this.shownIndex + delta);
	}

	/** The panels have painted the latest event: slow motion may start its dwell now. */
	shown(): void {
		if (!this.dwellWhenShown) return;
		this.dwellWhenShown = false;
		this.dwellThenStep();
	}

	// ---- internals -----------------------------------------------------------------------

	private onEvent(event: E): void {
		this.events.push(event);
		this.emit('event');
		if (this.state !== 'running' || this.pace !== 'slow') return;
		// The dwell starts once the event is on screen, so a late frame never shortens it.
		if (this.options.waitForShown) this.dwellWhenShown = true;
		else this.dwellThenStep();
	}

	private dwellThenStep(): void {
		this.clearDwell();
		const run = this.runNumber;
		this.dwellTimer = setTimeout(() => {
			this.dwellTimer = undefined;
			if (run === this.runNumber && this.state === 'running' && this.pace === 'slow' && !this.stopping)
				this.stream?.step();
		}, this.options.slowDwellMs ?? SLOW_DWELL_MS);
	}

	private clearDwell(): void {
		if (this.dwellTimer !== undefined) clearTimeout(this.dwellTimer);
		this.dwellTimer = undefined;
		this.dwellWhenShown = false;
	}

	private finish(): void {
		this.clearDwell();
		if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
		this.stream = undefined;
		this.stopping = false;
		const last = this.events.length - 1;
		if (this.openAt !== undefined && last >= 0) {
			this.scrubIndex = Math.min(this.openAt, last);
			if (this.openAt > last) this.notice = { kind: 'link-past-end', requested: this.openAt, shown: last };
		}
		this.openAt = undefined;
		this.transition('finished');
		if (this.notice) this.emit('notice');
	}

	private fail(error: unknown): void {
		this.clearDwell();
		this.stream = undefined;
		this.stopping = false;
		this.failure = this.source.describeFailure(error);
		this.transition('failed');
	}

	/** Forgets the current run (Run again, Reset): stops it in the source and drops its events. */
	private cancelLoad(): void {
		this.loadAbort?.abort();
		this.loadAbort = undefined;
	}

	private abandon(): void {
		this.clearDwell();
		if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
		const stream = this.stream;
		this.stream = undefined;
		this.stopping = false;
		this.scrubIndex = undefined;
		this.runNumber++;
		if (stream) halt(stream);
	}

	private transition(input: RunInput): boolean {
		const next = nextState(this.state, input);
		if (next === undefined) return false;
		this.options.onTransition?.(this.state, input, next);
		if (next !== 'done') this.scrubIndex = undefined;
		const changed = next !== this.state;
		this.state = next;
		if (changed) this.emit('state');
		return true;
	}

	private setPaceValue(pace: Pace): void {
		if (pace !== 'step') this.flowingPace = pace;
		if (pace === this.pace) return;
		this.pace = pace;
		this.emit('pace');
	}

	private setNotice(notice: Notice): void {
		this.notice = notice;
		this.emit('notice');
	}

	private emit(change: Change): void {
		for (const listener of this.listeners) listener(change);
	}
}

/** Stops a stream and lets it run out, so its final event arrives even if it was paused. */
function halt(stream: RunStream<RunEvent>): void {
	try {
		stream.stop();
		stream.resume();
	} catch {
		// It had already ended.
	}
}
