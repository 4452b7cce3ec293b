/** `<rc-status for="run">`: the status line, the download's progress, a failure with Retry, the runtime's notices about the prompt. */
import type { Notice } from '../controller';
import { plural } from '../settings';
import { currentView, describeReason } from '../view-model';
import { define, RunPanel, setText, show } from './panel';
import type { RunBlock } from './run-element';

class RunStatus extends RunPanel {
	protected override wire(): void {
		this.ref('retry').addEventListener('click', () => this.run.run());
	}

	protected paint(run: RunBlock): void {
		const c = run.controller;
		const line = this.ref('status');
		setText(line, this.statusText(run, line.dataset.idleText ?? ''));

		show(this.ref('progress'), c.state === 'loading');
		const bar = this.ref<HTMLProgressElement>('progress-bar');
		const p = c.progress;
		if (p && p.total > 0) {
			bar.max = p.total;
			bar.value = p.loaded;
		} else if (bar.hasAttribute('value')) bar.removeAttribute('value');
		setText(this.ref('progress-label'), p?.label ?? 'Downloading the model…');

		this.keepingFocus(run, () => show(this.ref('error'), c.state === 'error'));
		setText(this.ref('error-message'), c.failure ?? '');
		const notes = c.state === 'idle' ? [] : currentView(c).notices;
		setText(this.ref('run-notes'), notes.join(' '));
		show(this.ref('run-notes'), notes.length > 0);
		show(this.ref('sampling-note'), c.settings?.strategy === 'sample' && c.state !== 'idle');
	}

	private statusText(run: RunBlock, idleText: string): string {
		const c = run.controller;
		switch (c.state) {
			case 'idle':
				if (c.notice?.kind === 'stopped-while-loading') return 'Stopped while loading.';
				if (run.pendingLink) return linkText(run.pendingLink.step);
				return idleText;
			case 'loading':
				return c.info ? 'Starting…' : 'Loading the model…';
			case 'running':
				return c.pace === 'slow' ? 'Running in slow motion…' : 'Running…';
			case 'paused':
				return c.pace === 'step' ? 'Paused: press Step (→) for the next event.' : 'Paused.';
			case 'error':
				return 'The run failed.';
			case 'done': {
				const last = c.events[c.events.length - 1];
				const done =
					last?.step === 'done' && c.notice?.kind !== 'stopped-unconfirmed'
						? `Done: ${plural(last.stats.newTokens, 'new token')}; ${describeReason(last.reason)}.`
						: 'Stopped.';
				return `${done}${noticeText(c.notice)}`;
			}
		}
	}
}

function linkText(step: number | undefined): string {
	const what =
		step === undefined
			? 'This link set the settings of this block. Press Run to run with them'
			: `This link opens step ${step + 1} of a run with the settings shown in this block. Press Run to replay it`;
	return `${what}: the model downloads (a few MB, once) only then.`;
}

function noticeText(notice: Notice | undefined): string {
	if (notice?.kind !== 'link-past-end') return '';
	return ` The link asked for step ${notice.requested + 1}, past the end of this run: showing its last step, ${notice.shown + 1}.`;
}

define('rc-status', RunStatus);
