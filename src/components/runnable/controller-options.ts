/** What a run controller is built with, and what one run may be started with. */
import type { RunEvent, RunSource } from './run-source';
import type { Pace, RunInput, RunState } from './run-states';

export interface ControllerOptions<S, E extends RunEvent, Info> {
	source: RunSource<S, E, Info>;
	/** The named loop the source runs, for those reading its events (default `generate`). */
	loop?: string;
	/** The settings a run uses when none are passed (the block's form). */
	settings: () => S;
	pace?: Pace;
	slowDwellMs?: number;
	stopGraceMs?: number;
	/** Slow motion starts a step's dwell only once `shown()` says it is on screen. */
	waitForShown?: boolean;
	/** Sees every transition taken (tests use it to check the whole table is exercised). */
	onTransition?: (from: RunState, input: RunInput, to: RunState) => void;
}

export interface RunOptions<S> {
	settings?: S;
	pace?: Pace;
	/** Open the finished run at this event index (a deep link). */
	openAt?: number;
}
