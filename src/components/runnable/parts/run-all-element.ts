/** `<rc-run-all for="a b">`: starts every run it names; Ctrl+Enter in a form they share does the same. */
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

	private runAll(): void {
		for (const run of this.runs) run.run();
	}
}

define('rc-run-all', RunAll);
