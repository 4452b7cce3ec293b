/**
 * `<rc-run-all for="a b">`: starts every run it names; Ctrl+Enter in a form they share does the same.
 * With `data-sequential`, each starts when the one before it is done, so runs whose times are
 * compared do not share the model (and the device) while they are timed.
 */
import { prefetchRuntime } from '../runtime-adapter';
import { define, RunPanel } from './panel';

class RunAll extends RunPanel {
	protected override wire(): void {
		const button = this.ref<HTMLButtonElement>('run-all');
		button.addEventListener('click', () => this.runAll());
		button.addEventListener('pointerenter', () => void prefetchRuntime().catch(() => {}), { once: true });
		// A settings form shared by these runs sits outside each of them, so their own shortcut
		// (Ctrl+Enter inside a run) does not reach it: this element takes it for them.
		for (const form of document.querySelectorAll<HTMLElement>(
			`:is(rc-settings, rc-sampling-settings)[for="${this.getAttribute('for')}"]`,
		)) {
			form.addEventListener('keydown', (e) => {
				if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
					e.preventDefault();
					this.runAll();
				}
			});
		}
	}

	protected paint(): void {}

	private sequence = 0;

	private runAll(): void {
		if (!this.hasAttribute('data-sequential')) {
			for (const run of this.runs) run.run();
			return;
		}
		const sequence = ++this.sequence;
		const start = (i: number): void => {
			const run = this.runs[i];
			if (!run || sequence !== this.sequence) return;
			let started = false;
			const stop = run.controller.subscribe((change) => {
				if (change !== 'state') return;
				const state = run.controller.state;
				if (state === 'loading' || state === 'running' || state === 'paused') started = true;
				else if (state === 'done') {
					stop();
					start(i + 1);
				} else if (state === 'error' || (state === 'idle' && started)) stop();
			});
			run.run();
		};
		start(0);
	}
}

define('rc-run-all', RunAll);
