/**
 * Batches a run's painting: however many events arrive, every panel of the run paints at most once
 * per animation frame, and at most ten times a second while the model runs at full speed (each
 * repaint costs a style and layout pass that competes with the model for the CPU; the bench
 * measured ~10 ms a token). Ten paints a second still reads as streaming. The one exception is a
 * run's first iteration (its first token): it is painted the moment it arrives, with whatever
 * waited for the throttle (the prompt's encoding, iteration −1, arrives just before it), since time
 * to first token is what a reader feels, and a long page's layout takes tens of milliseconds.
 */
import type { Change } from './controller';

const REALTIME_PAINT_MS = 100;

interface Painted {
	state: string;
	pace: string;
	events: readonly { iteration: number }[];
	subscribe(listener: (change: Change) => void): () => void;
	shown(): void;
}

export class FrameLoop {
	private readonly painters = new Set<() => void>();
	private frame = 0;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private lastPaint = -Infinity;
	/** The last paint showed some of the run's first iteration or later. */
	private iterationShown = false;

	constructor(private readonly controller: Painted) {
		controller.subscribe(() => this.schedule());
	}

	/** Adds a painter and paints it soon; returns its removal. */
	add(paint: () => void): () => void {
		this.painters.add(paint);
		this.schedule();
		return () => this.painters.delete(paint);
	}

	schedule(): void {
		const throttled = this.controller.state === 'running' && this.controller.pace === 'realtime';
		const latest = this.controller.events.at(-1);
		const firstIteration = !this.iterationShown && latest !== undefined && latest.iteration >= 0;
		// Leaving real-time running (done, paused, stopped), or the first token: paint now, not after the throttle.
		if ((!throttled || firstIteration) && this.timer !== undefined) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		if (this.frame || this.timer !== undefined) return;
		const wait = throttled && !firstIteration ? REALTIME_PAINT_MS - (performance.now() - this.lastPaint) : 0;
		if (wait > 0) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				this.schedule();
			}, wait);
			return;
		}
		this.frame = requestAnimationFrame(() => {
			this.frame = 0;
			this.lastPaint = performance.now();
			const shown = this.controller.events.at(-1);
			this.iterationShown = shown !== undefined && shown.iteration >= 0;
			for (const paint of this.painters) {
				try {
					paint();
				} catch (error) {
					console.error(error);
				}
			}
			this.controller.shown();
		});
	}
}
