import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameLoop } from '../../src/components/runnable/frame-loop';
import type { Change } from '../../src/components/runnable/controller';

/** A controller as the frame loop sees it, with a hand-driven clock of animation frames. */
function setup() {
	const listeners = new Set<(c: Change) => void>();
	const controller = {
		state: 'running',
		pace: 'realtime',
		events: [] as { iteration: number }[],
		shown: vi.fn(),
		subscribe(l: (c: Change) => void) {
			listeners.add(l);
			return () => listeners.delete(l);
		},
	};
	const emit = (c: Change) => listeners.forEach((l) => l(c));
	const loop = new FrameLoop(controller);
	const paint = vi.fn();
	loop.add(paint);
	return { controller, emit, paint };
}

describe('FrameLoop', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		// One animation frame every 16 ms, driven by the fake clock.
		vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => setTimeout(() => cb(performance.now()), 16));
	});
	afterEach(() => {
		vi.useRealTimers();
		vi.unstubAllGlobals();
	});

	it("paints a real-time run's first token on the next frame, then at most ten times a second", () => {
		const { controller, emit, paint } = setup();
		vi.advanceTimersByTime(20);
		expect(paint).toHaveBeenCalledTimes(1); // the empty running state

		// The prompt's encoding arrives on its own and waits out the throttle; the first iteration
		// (the first token) arrives just after it and is painted at once, the encoding with it.
		controller.events.push({ iteration: -1 });
		emit('event');
		vi.advanceTimersByTime(10);
		expect(paint).toHaveBeenCalledTimes(1);
		controller.events.push({ iteration: 0 });
		emit('event');
		vi.advanceTimersByTime(20);
		expect(paint).toHaveBeenCalledTimes(2);

		controller.events.push({ iteration: 1 });
		emit('event');
		vi.advanceTimersByTime(50);
		expect(paint).toHaveBeenCalledTimes(2); // throttled
		vi.advanceTimersByTime(70);
		expect(paint).toHaveBeenCalledTimes(3);
	});

	it('is not throttled outside a real-time run', () => {
		const { controller, emit, paint } = setup();
		controller.pace = 'slow';
		for (let i = 0; i < 3; i++) {
			controller.events.push({ iteration: i });
			emit('event');
			vi.advanceTimersByTime(20);
		}
		expect(paint).toHaveBeenCalledTimes(3);
		expect(controller.shown).toHaveBeenCalledTimes(3);
	});
});
