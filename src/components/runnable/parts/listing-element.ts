/** `<rc-listing for="run">`: lights the lines of the step on screen, marks the step in progress. */
import { CodeHighlighter } from '../render-code';
import { currentView, pendingStep } from '../view-model';
import { define, RunPanel } from './panel';
import type { RunBlock } from './run-element';

class RunListing extends RunPanel {
	private highlighter: CodeHighlighter | undefined;
	private painted = '';

	override connectedCallback(): void {
		// The listing is useful without a run, so it is never hidden.
		const pre = this.querySelector<HTMLElement>('pre');
		if (pre && !this.highlighter) this.highlighter = new CodeHighlighter(pre);
		super.connectedCallback();
	}

	protected override wire(): void {
		const highlighter = this.highlighter;
		if (!highlighter) return;
		this.run.listing ??= {
			code: () => highlighter.pre.textContent ?? '',
			linesOf: (step) => highlighter.linesOf(step),
		};
	}

	protected paint(run: RunBlock): void {
		const h = this.highlighter;
		if (!h) return;
		const c = run.controller;
		const view = currentView(c);
		const pending = pendingStep(c);
		const key = `${c.runNumber} ${view.index} ${pending}`;
		if (key === this.painted) return;
		this.painted = key;
		h.showPending(pending);
		h.show(view.current?.step, view.previous?.step);
	}
}

define('rc-listing', RunListing);
