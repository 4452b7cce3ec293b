/**
 * The base of every panel element: it finds its run(s) by name (`for="naive"`, or `for="naive
 * cached"` for a panel that follows several; without `for`, the enclosing `<rc-run>`), wires its
 * controls once, and paints in the run's animation frame. A panel is rendered `hidden` and shows
 * itself once it has a run to follow, so without JavaScript only the listing remains.
 */
import { afterParts, hasRun, whenRun } from '../run-registry';
import type { RunBlock } from './run-element';

export abstract class RunPanel extends HTMLElement {
	protected runs: RunBlock[] = [];
	private cleanups: Array<() => void> = [];
	private connection = 0;
	private wired = false;

	/** The run a single-run panel follows. */
	protected get run(): RunBlock {
		return this.runs[0]!;
	}

	connectedCallback(): void {
		const connection = ++this.connection;
		const names = (this.getAttribute('for') ?? '').split(/\s+/).filter(Boolean);
		if (!names.length) {
			const host = this.closest<HTMLElement>('rc-run');
			if (host?.dataset.run) names.push(host.dataset.run);
		}
		if (!names.length) {
			console.error(`<${this.localName}> needs for="<run id>" or an enclosing <rc-run>.`);
			return;
		}
		afterParts(() => {
			const missing = names.filter((name) => !hasRun(name));
			if (missing.length)
				console.error(
					`<${this.localName} for="${names.join(' ')}">: no <rc-run> named ${missing.map((n) => `"${n}"`).join(', ')} on this page.`,
				);
		});
		void Promise.all(names.map(whenRun)).then((runs) => {
			if (connection !== this.connection || !this.isConnected) return;
			this.runs = runs;
			if (!this.wired) {
				this.wired = true;
				this.wire();
			}
			for (const run of runs) this.cleanups.push(run.frames.add(() => this.paint(run)));
			this.hidden = false;
		});
	}

	disconnectedCallback(): void {
		this.connection++;
		for (const cleanup of this.cleanups.splice(0)) cleanup();
	}

	/** Adds the panel's own event listeners; called once, with `runs` set. */
	protected wire(): void {}

	/** Brings the panel up to date with `run`; called in an animation frame, at most once per frame. */
	protected abstract paint(run: RunBlock): void;

	/** Applies `change`, which may hide or disable this panel's controls; if that takes the focus
	 *  from one, `nearby` (when usable) or else the run's home control gets it, so the block's
	 *  shortcuts keep working. */
	protected keepingFocus(run: RunBlock, change: () => void, nearby?: HTMLElement): void {
		const focused = document.activeElement;
		const had = focused instanceof HTMLElement && this.contains(focused) ? focused : undefined;
		change();
		if (!had || usable(had)) return;
		if (nearby && usable(nearby)) nearby.focus({ preventScroll: true });
		else run.rescueFocus();
	}

	/** The element of this panel marked `data-rc="name"`. */
	protected ref<T extends Element = HTMLElement>(name: string): T {
		const el = this.querySelector<T>(`[data-rc="${name}"]`);
		if (!el) throw new Error(`<${this.localName}>: missing [data-rc="${name}"]`);
		return el;
	}
}

function usable(el: HTMLElement): boolean {
	return !el.matches(':disabled') && el.checkVisibility();
}

/** Sets text only when it changes, so live regions are not re-announced with the same words. */
export function setText(el: Element, text: string): void {
	if (el.textContent !== text) el.textContent = text;
}

/** Shows or hides an element, touching the DOM only when that changes. */
export function show(el: HTMLElement, visible: boolean): void {
	if (el.hidden === visible) el.hidden = !visible;
}

export function define(name: string, element: CustomElementConstructor): void {
	if (!customElements.get(name)) customElements.define(name, element);
}
