/** `<rc-controls for="run">`: Run, Pause/Resume, Step, Stop, Reset and the pace. */
import { isActive, type Pace } from '../run-states';
import { prefetchRuntime } from '../runtime-adapter';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunControls extends RunPanel {
	private painted = '';

	protected override wire(): void {
		const run = this.run;
		const c = run.controller;
		const button = this.ref<HTMLButtonElement>('run');
		run.homeControl ??= button;
		button.addEventListener('click', () => run.run());
		// The runtime's small client code only; the model still waits for Run. A reader saving data
		// downloads nothing before a click.
		if (!savingData()) {
			const prefetch = () => void prefetchRuntime().catch(() => {});
			button.addEventListener('pointerenter', prefetch, { once: true });
			button.addEventListener('focus', prefetch, { once: true });
		}
		this.ref('pause').addEventListener('click', () => c.togglePause());
		this.ref('step').addEventListener('click', () => c.step());
		this.ref('stop').addEventListener('click', () => c.stop());
		this.ref('reset').addEventListener('click', () => c.reset());
		for (const radio of this.querySelectorAll<HTMLInputElement>('[data-rc="speed"]')) {
			radio.addEventListener('change', () => {
				if (radio.checked) c.setPace(radio.value as Pace);
			});
		}
	}

	protected paint(run: RunBlock): void {
		const { state, pace, events } = run.controller;
		const link = run.pendingLink;
		// The buttons depend on these alone; most frames change none of them.
		const key = `${state} ${pace} ${events.length > 0} ${link ? (link.step ?? 'link') : ''}`;
		if (key === this.painted) return;
		this.painted = key;
		this.keepingFocus(run, () => this.paintButtons(run));
	}

	private paintButtons(run: RunBlock): void {
		const { state, pace, events } = run.controller;
		const link = run.pendingLink;
		const replay = link
			? link.step === undefined
				? "Run with the link's settings"
				: `Run to replay step ${link.step + 1}`
			: undefined;
		setText(this.ref('run-label'), replay ?? (state === 'done' || state === 'error' ? 'Run again' : 'Run'));
		const pause = this.ref<HTMLButtonElement>('pause');
		pause.disabled = !(state === 'running' || state === 'paused');
		pause.setAttribute('aria-pressed', String(state === 'paused'));
		setText(this.ref('pause-label'), state === 'paused' ? 'Resume' : 'Pause');
		this.ref<HTMLButtonElement>('stop').disabled = !isActive(state);
		this.ref<HTMLButtonElement>('step').disabled = state === 'loading' || state === 'error';
		this.ref<HTMLButtonElement>('reset').disabled = state === 'idle' && events.length === 0;
		for (const radio of this.querySelectorAll<HTMLInputElement>('[data-rc="speed"]'))
			radio.checked = radio.value === pace;
	}
}

function savingData(): boolean {
	return (navigator as Navigator & { connection?: { saveData?: boolean } }).connection?.saveData === true;
}

define('rc-controls', RunControls);
