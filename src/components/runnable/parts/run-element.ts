/**
 * `<rc-run>`: one run of a loop, the element the panels subscribe to. It owns the run controller
 * (fed by the real runtime through runtime-adapter.ts), mirrors its state on data attributes
 * (`data-state`, `data-event-index`, `data-current-step`, which tests and the bench read), takes
 * the block's keyboard shortcuts, and opens a deep link to the run when the page's URL carries one:
 * the link's settings go into the form and Run replays it, so nothing downloads without a click.
 */
import type { ReportLogits } from '../../../runtime/events';
import type { LoopName } from '../../../runtime/loops/vocabulary';
import { RunController } from '../controller';
import { FrameLoop } from '../frame-loop';
import { afterParts, registerRun, unregisterRun } from '../run-registry';
import { isActive, type Pace } from '../run-states';
import { runtimeSource, type ModelInfo, type SchedulerOptions } from '../runtime-adapter';
import { buildLink, parseLink, type LinkState, type ReaderSettings } from '../settings';
import { currentView, type AnyStepEvent } from '../view-model';

export type LoopController = RunController<ReaderSettings, AnyStepEvent, ModelInfo>;

/** What `<Run>` writes into `data-config`. */
export interface RunConfig {
	id: string;
	title: string;
	loop: LoopName;
	defaults: ReaderSettings;
	speed: Pace;
	topCandidates: number;
	/** Each select event carries the step's raw logits (for panels that redraw a step's candidates). */
	reportLogits?: ReportLogits;
	/** The continuous loop's scheduler settings. */
	scheduler?: SchedulerOptions;
}

/** The settings form, when the run has one. */
export interface SettingsPanel {
	/** The form's settings for run `runId` (a form may serve several); what it does not offer comes
	 *  from `fallback` (the run's defaults). */
	read(fallback?: ReaderSettings, runId?: string): ReaderSettings;
	showLink(link: LinkState & { problems: string[] }): void;
	/** The settings the fields give now, touching nothing (forms that preview as the reader types). */
	peek?(runId?: string): ReaderSettings;
}

/** The listing, when the run has one: Ask AI quotes it. */
export interface ListingPanel {
	code(): string;
	linesOf(step: string | undefined): string[];
}

export class RunBlock extends HTMLElement {
	config!: RunConfig;
	controller!: LoopController;
	frames!: FrameLoop;
	settingsPanel: SettingsPanel | undefined;
	listing: ListingPanel | undefined;
	/** The control focus goes to when the focused one hides or disables (Run, given by the controls). */
	homeControl: HTMLElement | undefined;
	/** A link opened on this page and not replayed yet: Run replays it, opening at its step. */
	pendingLink: LinkState | undefined;
	private started = false;

	connectedCallback(): void {
		if (this.started) {
			registerRun(this.config.id, this);
			return;
		}
		this.started = true;
		this.config = JSON.parse(this.dataset.config ?? '{}') as RunConfig;
		this.controller = new RunController({
			source: runtimeSource(this.config.loop, this.config.topCandidates, {
				reportLogits: this.config.reportLogits,
				scheduler: this.config.scheduler,
			}),
			loop: this.config.loop,
			settings: () => this.settingsPanel?.read(this.config.defaults, this.config.id) ?? this.config.defaults,
			pace: this.config.speed,
			waitForShown: true,
		});
		this.frames = new FrameLoop(this.controller);
		this.controller.subscribe((change) => {
			if (change === 'state') this.dataset.state = this.controller.state;
			// Any run (Run, Step, the keyboard) or Reset uses up a pending link.
			if (change === 'reset') this.pendingLink = undefined;
		});
		this.frames.add(() => this.paint());
		this.addEventListener('keydown', (e) => this.onKey(e));
		this.dataset.state = this.controller.state;
		for (const app of this.querySelectorAll<HTMLElement>('[data-rc="app"]')) app.hidden = false;
		registerRun(this.config.id, this);
		// A link is opened once the run's settings panel (if any) has joined it.
		afterParts(() => this.openLink());
	}

	disconnectedCallback(): void {
		unregisterRun(this.config.id, this);
	}

	/** Run with the settings in the form (or the defaults); the first Run after a link replays it. */
	run(): void {
		const link = this.pendingLink;
		this.pendingLink = undefined;
		if (!link) {
			void this.controller.run();
			return;
		}
		const settings = this.settingsPanel?.read(undefined, this.config.id) ?? link.settings;
		void this.controller.run({ settings, pace: 'realtime', openAt: link.step });
	}

	/** Focus was on a control that just hid or disabled: keep it in the block, where the shortcuts work. */
	rescueFocus(): void {
		const home = this.homeControl;
		if (home?.isConnected && !(home as HTMLButtonElement).disabled) {
			home.focus({ preventScroll: true });
			return;
		}
		if (!this.hasAttribute('tabindex')) this.tabIndex = -1;
		this.focus({ preventScroll: true });
	}

	/** A link to the run's settings and, if given, one of its events. */
	link(step?: number): string {
		return buildLink(location.href, {
			blockId: this.config.id,
			settings: this.controller.settings ?? this.config.defaults,
			step,
		});
	}

	private openLink(): void {
		const link = parseLink(location.href, this.config.id, this.config.defaults);
		if (!link) return;
		this.settingsPanel?.showLink(link);
		this.pendingLink = link;
		// The frame loop repaints on the controller's changes only; the panels show the link now.
		this.frames.schedule();
		if (location.hash !== `#${this.id}`) this.scrollIntoView({ block: 'start' });
	}

	private paint(): void {
		const view = currentView(this.controller);
		this.dataset.eventIndex = String(view.index);
		this.dataset.currentStep = view.current?.step ?? '';
	}

	private onKey(e: KeyboardEvent): void {
		const c = this.controller;
		const target = e.target as HTMLElement;
		const typing = target.matches(
			'textarea, input:not([type="radio"]):not([type="checkbox"]), select, [contenteditable]',
		);
		const activates = target.matches('button, a, summary, input, select, textarea');
		if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
			e.preventDefault();
			this.run();
			return;
		}
		if (e.key === 'Escape') {
			if (isActive(c.state)) {
				e.preventDefault();
				c.stop();
			}
			return;
		}
		if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
		// Sliders, the token list and scrolling regions (data-own-arrows) use the arrow keys themselves.
		const ownArrows = target.matches('input, .rc-chips, .rc-chips *, [data-own-arrows], [data-own-arrows] *');
		if (e.key === 'ArrowRight' && !ownArrows) {
			e.preventDefault();
			c.step();
		} else if (e.key === 'ArrowLeft' && !ownArrows) {
			if (c.state === 'done') {
				e.preventDefault();
				c.scrubBy(-1);
			}
		} else if (e.key === ' ' && !activates) {
			e.preventDefault();
			c.togglePause();
		}
	}
}

if (!customElements.get('rc-run')) customElements.define('rc-run', RunBlock);
