/**
 * A runnable block's states and every allowed move between them, in one table, and what the run
 * controller reports to its subscribers. The controller changes state only through `nextState`;
 * an input a state does not list is ignored.
 */

export type RunState = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'error';
export const RUN_STATES: readonly RunState[] = ['idle', 'loading', 'running', 'paused', 'done', 'error'];

/** How a run advances: as fast as the model goes, one event every so often, or one event per Step. */
export type Pace = 'realtime' | 'slow' | 'step';
export const PACES: readonly Pace[] = ['realtime', 'slow', 'step'];

export type RunInput =
	/** Run (or Run again, Retry): forget whatever was going on and start over. */
	| 'run'
	/** The source is ready and the run started, free-running or held for steps. */
	| 'started'
	| 'started-held'
	| 'failed'
	/** The run's stream ended (its last event arrived, or a stop was given up on). */
	| 'finished'
	| 'pause'
	| 'resume'
	/** Release one event; from running this also pauses. */
	| 'step'
	/** Stop: while loading the run is forgotten; while running it ends with its last event. */
	| 'stop'
	| 'reset'
	/** Move through a recorded run. */
	| 'scrub';

export const TRANSITIONS: Readonly<Record<RunState, Readonly<Partial<Record<RunInput, RunState>>>>> = {
	idle: { run: 'loading', reset: 'idle' },
	loading: {
		run: 'loading',
		started: 'running',
		'started-held': 'paused',
		failed: 'error',
		stop: 'idle',
		reset: 'idle',
	},
	running: {
		run: 'loading',
		pause: 'paused',
		step: 'paused',
		stop: 'running',
		finished: 'done',
		failed: 'error',
		reset: 'idle',
	},
	paused: {
		run: 'loading',
		resume: 'running',
		step: 'paused',
		stop: 'paused',
		finished: 'done',
		failed: 'error',
		reset: 'idle',
	},
	done: { run: 'loading', scrub: 'done', reset: 'idle' },
	error: { run: 'loading', reset: 'idle' },
};

/** The state after `input`, or undefined when `state` does not accept it. */
export function nextState(state: RunState, input: RunInput): RunState | undefined {
	return TRANSITIONS[state][input];
}

/** A run is under way (Stop and Escape apply). */
export function isActive(state: RunState): boolean {
	return state === 'loading' || state === 'running' || state === 'paused';
}

/** What changed, so a subscriber can skip work that does not concern it. */
export type Change = 'state' | 'event' | 'scrub' | 'progress' | 'pace' | 'notice' | 'reset';

/** Something the reader should be told that is not an error; panels word it. */
export type Notice =
	| { kind: 'stopped-while-loading' }
	/** The source never confirmed the stop; the run was ended here. */
	| { kind: 'stopped-unconfirmed' }
	/** A link asked for an event past the end of the run; the last one is shown. */
	| { kind: 'link-past-end'; requested: number; shown: number };
