// The run controller on its own, without a browser: fake run sources stand in for the runtime
// (the real runtime drives it in tests/e2e/runnable*.spec.ts). Timers are faked, so slow motion's
// dwell and Stop's grace period are checked exactly.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RunController, type Change, type RunInput, type RunState } from '../../src/components/runnable/controller';
import type { PrepareProgress, RunSource, RunStream } from '../../src/components/runnable/run-source';
import { nextState, RUN_STATES, TRANSITIONS } from '../../src/components/runnable/run-states';

interface Ev {
	index: number;
	step: string;
	reason?: string;
}

const STEPS = ['encode', 'forward', 'select', 'append', 'forward', 'select', 'append', 'done'];
const script = (): Ev[] => STEPS.map((step, index) => ({ index, step }));

/** A stream that behaves like the runtime's RunHandle: held streams release one event per step(). */
class FakeStream implements RunStream<Ev> {
	calls: string[] = [];
	private paused: boolean;
	private credits = 0;
	private stopped = false;
	private wake: (() => void) | undefined;

	constructor(
		private readonly events: Ev[],
		startPaused: boolean,
		private readonly behaviour: { ignoreStop?: boolean; failAt?: number } = {},
	) {
		this.paused = startPaused;
	}

	pause() {
		this.calls.push('pause');
		this.paused = true;
	}
	resume() {
		this.calls.push('resume');
		this.paused = false;
		this.poke();
	}
	step() {
		this.calls.push('step');
		if (this.paused) this.credits++;
		this.poke();
	}
	stop() {
		this.calls.push('stop');
		if (!this.behaviour.ignoreStop) this.stopped = true;
		this.poke();
	}
	private poke() {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	async *[Symbol.asyncIterator](): AsyncIterator<Ev> {
		let i = 0;
		while (i < this.events.length) {
			if (this.stopped) {
				yield { index: i, step: 'done', reason: 'stopped' };
				return;
			}
			if (this.paused && this.credits === 0) {
				await new Promise<void>((resolve) => (this.wake = resolve));
				continue;
			}
			if (this.paused) this.credits--;
			await Promise.resolve();
			if (i === this.behaviour.failAt) throw new Error('the model broke');
			yield this.events[i++]!;
		}
	}
}

interface Settings {
	prompt: string;
}

/** A source whose prepare() the test resolves or rejects by hand. */
function fakeSource(behaviour: { ignoreStop?: boolean; failAt?: number } = {}) {
	const prepares: Array<{
		resolve: () => void;
		reject: (e: unknown) => void;
		onProgress: (p: PrepareProgress) => void;
		signal?: AbortSignal;
	}> = [];
	const streams: FakeStream[] = [];
	const started: Settings[] = [];
	const source: RunSource<Settings, Ev, string> = {
		prepare(onProgress, signal) {
			return new Promise<string>((resolve, reject) =>
				prepares.push({ resolve: () => resolve('model info'), reject, onProgress, signal }),
			);
		},
		start(settings, { startPaused }) {
			started.push(settings);
			const stream = new FakeStream(script(), startPaused, behaviour);
			streams.push(stream);
			return stream;
		},
		describeFailure: (error) => `failed: ${error instanceof Error ? error.message : String(error)}`,
	};
	return { source, prepares, streams, started };
}

/** Every (state, input) pair the controller took, across all tests. */
const taken = new Set<string>();

function setUp(
	options: {
		pace?: 'realtime' | 'slow' | 'step';
		waitForShown?: boolean;
		behaviour?: { ignoreStop?: boolean; failAt?: number };
	} = {},
) {
	const fake = fakeSource(options.behaviour);
	let prompt = 'In the beginning';
	const c = new RunController<Settings, Ev, string>({
		source: fake.source,
		settings: () => ({ prompt }),
		pace: options.pace ?? 'realtime',
		waitForShown: options.waitForShown,
		onTransition: (from, input, to) => {
			expect(nextState(from, input)).toBe(to);
			taken.add(`${from}:${input}`);
		},
	});
	const states: RunState[] = [c.state];
	const changes: Change[] = [];
	c.subscribe((change) => {
		changes.push(change);
		if (change === 'state') states.push(c.state);
	});
	return { c, ...fake, states, changes, setPrompt: (p: string) => (prompt = p) };
}

/** Lets promises settle and timers up to `ms` fire. */
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
const steps = (c: RunController<Settings, Ev, string>) => c.events.map((e) => e.step);

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the transition table', () => {
	it('names a next state for known inputs only, and nothing leaves a state it cannot', () => {
		expect(nextState('idle', 'pause')).toBeUndefined();
		expect(nextState('done', 'step')).toBeUndefined();
		expect(nextState('error', 'resume')).toBeUndefined();
		for (const state of RUN_STATES) {
			expect(TRANSITIONS[state].run).toBe('loading');
			expect(TRANSITIONS[state].reset).toBe('idle');
		}
	});
});

describe('running', () => {
	it('idle → loading → running → done in real time, with every event in order', async () => {
		const t = setUp();
		const run = t.c.run();
		expect(t.c.state).toBe('loading');
		t.prepares[0]!.onProgress({ loaded: 1, total: 2, label: 'model' });
		expect(t.c.progress).toEqual({ loaded: 1, total: 2, label: 'model' });
		t.prepares[0]!.resolve();
		await run;
		expect(t.states).toEqual(['idle', 'loading', 'running', 'done']);
		expect(steps(t.c)).toEqual(STEPS);
		expect(t.c.info).toBe('model info');
		expect(t.c.settings).toEqual({ prompt: 'In the beginning' });
		expect(t.c.shownIndex).toBe(STEPS.length - 1);
		expect(t.c.scrubbing).toBe(false);
		expect(t.changes).toContain('progress');
	});

	it('a second Run while loading starts one run, with the later settings', async () => {
		const t = setUp();
		void t.c.run();
		t.setPrompt('And God said,');
		const second = t.c.run();
		expect(t.c.state).toBe('loading');
		t.prepares[0]!.resolve();
		t.prepares[1]!.resolve();
		await second;
		await tick();
		expect(t.started).toEqual([{ prompt: 'And God said,' }]);
		expect(t.states).toEqual(['idle', 'loading', 'running', 'done']);
		expect(steps(t.c)).toEqual(STEPS);
	});

	it('Run again mid-run abandons the first run: it is stopped and its events are dropped', async () => {
		const t = setUp({ pace: 'step' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		expect(t.c.state).toBe('paused');
		t.c.step();
		await tick();
		expect(t.c.events).toHaveLength(2);
		const second = t.c.run({ pace: 'realtime' });
		expect(t.streams[0]!.calls).toContain('stop');
		expect(t.c.events).toEqual([]);
		t.prepares[1]!.resolve();
		await second;
		expect(steps(t.c)).toEqual(STEPS);
		expect(t.c.state).toBe('done');
	});

	it("a failed load shows the source's message; Retry runs again from the error", async () => {
		const t = setUp();
		const run = t.c.run();
		t.prepares[0]!.reject(new Error('404'));
		await run;
		expect(t.c.state).toBe('error');
		expect(t.c.failure).toBe('failed: 404');
		const retry = t.c.run();
		expect(t.c.failure).toBeUndefined();
		t.prepares[1]!.resolve();
		await retry;
		expect(t.states).toEqual(['idle', 'loading', 'error', 'loading', 'running', 'done']);
	});

	it('a stream that throws, running or paused, ends in error', async () => {
		const running = setUp({ behaviour: { failAt: 3 } });
		const run = running.c.run();
		running.prepares[0]!.resolve();
		await run;
		expect(running.c.state).toBe('error');
		expect(running.c.failure).toBe('failed: the model broke');
		expect(running.c.events).toHaveLength(3);

		const paused = setUp({ pace: 'step', behaviour: { failAt: 1 } });
		void paused.c.run();
		paused.prepares[0]!.resolve();
		await tick();
		expect(paused.c.state).toBe('paused');
		paused.c.step();
		await tick();
		expect(paused.c.state).toBe('error');
	});

	it('Reset from every state returns to idle with nothing recorded', async () => {
		const t = setUp();
		t.c.reset();
		expect(t.c.state).toBe('idle');
		void t.c.run();
		t.c.reset();
		expect(t.c.state).toBe('idle');
		t.prepares[0]!.resolve();
		await tick();
		expect(t.started).toEqual([]);
		const run = t.c.run();
		t.prepares[1]!.reject(new Error('offline'));
		await run;
		expect(t.c.state).toBe('error');
		t.c.reset();
		expect(t.c.failure).toBeUndefined();
		const done = t.c.run();
		t.prepares[2]!.resolve();
		await done;
		t.c.reset();
		expect(t.c.state).toBe('idle');
		expect(t.c.events).toEqual([]);
		expect(t.changes.at(-1)).toBe('reset');
	});

	it('Reset mid-run stops the stream and ignores whatever it still sends', async () => {
		const t = setUp({ pace: 'slow' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		expect(t.c.state).toBe('running');
		expect(t.c.events).toHaveLength(1);
		t.c.reset();
		expect(t.c.state).toBe('idle');
		expect(t.streams[0]!.calls).toContain('stop');
		await tick(5_000);
		expect(t.c.events).toEqual([]);
		expect(t.c.state).toBe('idle');

		const p = setUp({ pace: 'step' });
		void p.c.run();
		p.prepares[0]!.resolve();
		await tick();
		p.c.reset();
		expect(p.c.state).toBe('idle');
	});
});

describe('pacing', () => {
	it('slow motion releases one event per dwell', async () => {
		const t = setUp({ pace: 'slow' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		expect(steps(t.c)).toEqual(['encode']);
		await tick(600);
		expect(t.c.events).toHaveLength(1);
		await tick(60);
		expect(t.c.events).toHaveLength(2);
		await tick(650 * 10);
		expect(t.c.state).toBe('done');
		expect(steps(t.c)).toEqual(STEPS);
	});

	it('with waitForShown, the dwell starts only once the event is on screen', async () => {
		const t = setUp({ pace: 'slow', waitForShown: true });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick(2_000);
		expect(t.c.events).toHaveLength(1);
		t.c.shown();
		await tick(650);
		expect(t.c.events).toHaveLength(2);
	});

	it('step pace: the run starts held at its first event and Step releases exactly one more', async () => {
		const t = setUp({ pace: 'step' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick(1_000);
		expect(t.c.state).toBe('paused');
		expect(steps(t.c)).toEqual(['encode']);
		t.c.step();
		await tick(1_000);
		expect(steps(t.c)).toEqual(['encode', 'forward']);
		expect(t.c.state).toBe('paused');
		for (let i = 0; i < STEPS.length; i++) {
			t.c.step();
			await tick();
		}
		expect(t.c.state).toBe('done');
		expect(steps(t.c)).toEqual(STEPS);
	});

	it('Step before any run starts one held at its first event', async () => {
		const t = setUp({ pace: 'realtime' });
		t.c.step();
		expect(t.c.state).toBe('loading');
		expect(t.c.pace).toBe('step');
		t.prepares[0]!.resolve();
		await tick();
		expect(t.c.state).toBe('paused');
		expect(t.c.events).toHaveLength(1);
	});

	it('Resume after Pause keeps the chosen speed: real time resumes the stream, slow motion goes on dwelling', async () => {
		const rt = setUp({ pace: 'step' });
		rt.c.setPace('realtime');
		void rt.c.run({ pace: 'step' });
		rt.prepares[0]!.resolve();
		await tick();
		expect(rt.c.state).toBe('paused');
		rt.c.resume();
		expect(rt.c.pace).toBe('realtime');
		expect(rt.streams[0]!.calls.at(-1)).toBe('resume');
		await tick();
		expect(rt.c.state).toBe('done');

		const slow = setUp({ pace: 'slow' });
		void slow.c.run();
		slow.prepares[0]!.resolve();
		await tick();
		slow.c.pause();
		expect(slow.c.state).toBe('paused');
		await tick(5_000);
		expect(slow.c.events).toHaveLength(1);
		slow.c.togglePause();
		expect(slow.c.state).toBe('running');
		expect(slow.c.pace).toBe('slow');
		await tick();
		expect(slow.c.events).toHaveLength(2);
		await tick(600);
		expect(slow.c.events).toHaveLength(2);
		await tick(60);
		expect(slow.c.events).toHaveLength(3);
	});

	it('Step during a run pauses it, switches to step pace, and Resume returns to the speed chosen before', async () => {
		const t = setUp({ pace: 'slow' });
		void t.c.run();
		t.c.pause();
		expect(t.c.state).toBe('loading');
		t.prepares[0]!.resolve();
		await tick();
		expect(t.c.state).toBe('running');
		t.c.step();
		expect(t.c.state).toBe('paused');
		expect(t.c.pace).toBe('step');
		await tick();
		expect(t.c.events).toHaveLength(2);
		t.c.togglePause();
		expect(t.c.state).toBe('running');
		expect(t.c.pace).toBe('slow');
		await tick(650 * 20);
		expect(t.c.state).toBe('done');
	});

	it('Run again while running restarts', async () => {
		const t = setUp({ pace: 'slow' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		expect(t.c.state).toBe('running');
		void t.c.run({ pace: 'realtime' });
		expect(t.c.state).toBe('loading');
		t.prepares[1]!.resolve();
		await tick(650 * 20);
		expect(t.started).toHaveLength(2);
		expect(steps(t.c)).toEqual(STEPS);
	});

	it('changing pace mid-run: step pauses, slow dwells, real time resumes', async () => {
		const t = setUp({ pace: 'slow' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		t.c.setPace('step');
		expect(t.c.state).toBe('paused');
		await tick(5_000);
		expect(t.c.events).toHaveLength(1);
		t.c.setPace('slow');
		expect(t.c.state).toBe('paused');
		t.c.resume();
		await tick();
		expect(t.c.events).toHaveLength(2);
		t.c.setPace('realtime');
		await tick();
		expect(t.c.state).toBe('done');
		expect(t.changes.filter((c) => c === 'pace').length).toBeGreaterThanOrEqual(3);
	});

	it('pause, resume and scrub do nothing in states that do not allow them', async () => {
		const t = setUp();
		t.c.pause();
		t.c.resume();
		t.c.scrubTo(3);
		t.c.stop();
		expect(t.states).toEqual(['idle']);
		void t.c.run();
		t.c.scrubTo(1);
		expect(t.c.scrubbing).toBe(false);
	});
});

describe('stopping', () => {
	it('Stop during loading forgets the run: idle, says so, and never starts the stream', async () => {
		const t = setUp();
		const run = t.c.run();
		t.c.stop();
		expect(t.c.state).toBe('idle');
		expect(t.c.notice).toEqual({ kind: 'stopped-while-loading' });
		t.prepares[0]!.resolve();
		await run;
		await tick(1_000);
		expect(t.started).toEqual([]);
		expect(t.states).toEqual(['idle', 'loading', 'idle']);
	});

	it('Stop or Reset during loading aborts the wait on the download; a second Run keeps waiting on the same one', async () => {
		const t = setUp();
		void t.c.run();
		void t.c.run();
		expect(t.prepares).toHaveLength(2);
		expect(t.prepares[1]!.signal).toBe(t.prepares[0]!.signal);
		expect(t.prepares[0]!.signal?.aborted).toBe(false);
		t.c.stop();
		expect(t.prepares[0]!.signal?.aborted).toBe(true);

		void t.c.run();
		expect(t.prepares[2]!.signal?.aborted).toBe(false);
		t.c.reset();
		expect(t.prepares[2]!.signal?.aborted).toBe(true);

		const run = t.c.run();
		t.prepares[3]!.resolve();
		await run;
		t.c.reset();
		expect(t.prepares[3]!.signal?.aborted).toBe(false);
	});

	it('Stop during loading stays said when the abandoned load then fails or is cancelled', async () => {
		const t = setUp();
		const run = t.c.run();
		t.c.stop();
		const changesAfterStop = t.changes.length;
		t.prepares[0]!.reject(Object.assign(new Error('load cancelled'), { kind: 'cancelled' }));
		await run;
		await tick(1_000);
		expect(t.c.state).toBe('idle');
		expect(t.c.notice).toEqual({ kind: 'stopped-while-loading' });
		expect(t.c.failure).toBeUndefined();
		expect(t.changes.length).toBe(changesAfterStop);
	});

	it("Stop mid-run ends with the source's final event", async () => {
		const t = setUp({ pace: 'step' });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		t.c.step();
		await tick();
		t.c.stop();
		expect(t.c.stopping).toBe(true);
		await tick();
		expect(t.c.state).toBe('done');
		expect(t.c.events.at(-1)).toMatchObject({ step: 'done', reason: 'stopped' });
		expect(t.c.stopping).toBe(false);
		expect(t.c.notice).toBeUndefined();
	});

	it('Stop while running ends the run too; a source that ignores Stop is given up on after the grace period', async () => {
		const ok = setUp({ pace: 'slow' });
		void ok.c.run();
		ok.prepares[0]!.resolve();
		await tick();
		expect(ok.c.state).toBe('running');
		ok.c.stop();
		await tick();
		expect(ok.c.state).toBe('done');

		const t = setUp({ pace: 'slow', behaviour: { ignoreStop: true } });
		void t.c.run();
		t.prepares[0]!.resolve();
		await tick();
		t.c.pause();
		t.c.stop();
		t.streams[0]!.pause();
		await tick(700);
		expect(t.c.state).toBe('paused');
		await tick(200);
		expect(t.c.state).toBe('done');
		expect(t.c.notice).toEqual({ kind: 'stopped-unconfirmed' });
	});
});

describe('scrubbing and deep links', () => {
	async function finished(options: { openAt?: number } = {}) {
		const t = setUp();
		const run = t.c.run(options);
		t.prepares[0]!.resolve();
		await run;
		expect(t.c.state).toBe('done');
		return t;
	}

	it('scrubs through the recorded run, clamped to its ends', async () => {
		const t = await finished();
		t.c.scrubTo(2);
		expect(t.c.shownIndex).toBe(2);
		expect(t.c.scrubbing).toBe(true);
		t.c.scrubBy(-5);
		expect(t.c.shownIndex).toBe(0);
		t.c.scrubTo(99);
		expect(t.c.shownIndex).toBe(STEPS.length - 1);
		expect(t.changes.filter((c) => c === 'scrub')).toHaveLength(3);
	});

	it('Step after a finished run scrubs to the next recorded event instead of starting a new run', async () => {
		const t = await finished();
		t.c.scrubTo(3);
		t.c.step();
		expect(t.c.shownIndex).toBe(4);
		expect(t.c.state).toBe('done');
		expect(t.started).toHaveLength(1);
		expect(t.prepares).toHaveLength(1);
	});

	it('a link opens the finished run at its event', async () => {
		const t = await finished({ openAt: 3 });
		expect(t.c.shownIndex).toBe(3);
		expect(t.c.scrubbing).toBe(true);
		expect(t.c.notice).toBeUndefined();
	});

	it('a link past the end of the run shows the last event and says so', async () => {
		const t = await finished({ openAt: 40 });
		expect(t.c.shownIndex).toBe(STEPS.length - 1);
		expect(t.c.notice).toEqual({ kind: 'link-past-end', requested: 40, shown: STEPS.length - 1 });
		expect(t.changes).toContain('notice');
		// The next run does not carry the link or its notice.
		const again = t.c.run();
		expect(t.c.notice).toBeUndefined();
		t.prepares[1]!.resolve();
		await again;
		expect(t.c.scrubbing).toBe(false);
	});

	it('a new run leaves scrubbing', async () => {
		const t = await finished();
		t.c.scrubTo(1);
		void t.c.run();
		expect(t.c.scrubbing).toBe(false);
		expect(t.c.shownIndex).toBe(-1);
	});
});

afterAll(() => {
	// Every move in the table was taken by some test above.
	const table = RUN_STATES.flatMap((state) =>
		(Object.keys(TRANSITIONS[state]) as RunInput[]).map((input) => `${state}:${input}`),
	);
	expect(table.filter((entry) => !taken.has(entry))).toEqual([]);
});
