/**
 * Batches a run's painting: however many events arrive, every panel of the run paints at most once
 * per animation frame, and at most ten times a second while the model runs at full speed (each
 * repaint costs a style and layout pass that competes with the model for the CPU; the bench
 * measured ~10 ms a token). Ten paints a second still reads as streaming. Only paints that showed
 * some of the run's events start the throttle, so the first token is painted the moment it arrives:
 * time to first token is what a reader feels.
 */
import type { Change } from './controller';

const REALTIME_PAINT_MS = 100;

interface Painted {
	state: string;
	pace: string;
	events: readonly unknown[];
	subscribe(listener: (change: Change) => void): () => void;
	shown(): void;
}

export class FrameLoop {
	private readonly painters = new Set<() => void>();
	private frame = 0;
	private timer: ReturnType<typeof setTimeout> | undefined;
	private lastPaint = -Infinity;

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
		// Leaving real-time running (done, paused, stopped): paint the final state now, not after the throttle.
		if (!throttled && this.timer !== undefined) {
			clearTimeout(this.timer);
			this.timer = undefined;
		}
		if (this.frame || this.timer !== undefined) return;
		const wait = throttled ? REALTIME_PAINT_MS - (performance.now() - this.lastPaint) : 0;
		if (wait > 0) {
			this.timer = setTimeout(() => {
				this.timer = undefined;
				this.schedule();
			}, wait);
			return;
		}
		this.frame = requestAnimationFrame(() => {
			this.frame = 0;
			this.lastPaint = this.controller.events.length > 0 ? performance.now() : -Infinity;
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
