/**
 * `<rc-row-check for="run">`: a finished batched run's rows against each prompt run alone
 * (B = 1, same settings; a sampled row r with seed + r, as the batch seeds it). Padding and the
 * mask are meant to change nothing a row computes; this says whether they did.
 */
import type { BatchedDoneEvent } from '../../../runtime/loops/batched-events';
import { compareRows } from '../batch-sweep';
import { runAlone } from '../runtime-adapter';
import { promptRows } from '../settings';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

export class RowCheck extends RunPanel {
	/** The run whose rows were checked (or are being checked): its events array. */
	private checked: readonly unknown[] | undefined;
	private pending: Promise<void> = Promise.resolve();

	/** Resolves once the latest check has finished (a sweep waits, so checks never overlap its runs). */
	settled(): Promise<void> {
		return this.pending;
	}

	protected override wire(): void {
		// On the controller's own change, not a paint: a sweep's next run must find the check begun.
		this.run.controller.subscribe(() => this.follow(this.run));
		this.follow(this.run);
	}

	protected paint(): void {}

	private follow(run: RunBlock): void {
		const c = run.controller;
		const out = this.ref('row-check');
		if (c.state !== 'done') {
			if (c.events !== this.checked) {
				this.checked = undefined;
				this.dataset.verdict = '';
				setText(out, 'When the batch is done, each row is checked here against its prompt run alone (B = 1).');
			}
			return;
		}
		if (c.events === this.checked) return;
		this.checked = c.events;
		const done = c.events.at(-1) as BatchedDoneEvent | undefined;
		const settings = c.settings;
		if (!done || done.step !== 'done' || !settings) return;
		if (done.reason === 'stopped') {
			this.dataset.verdict = 'stopped';
			setText(out, 'The run was stopped, so its rows are not checked against their prompts run alone.');
			return;
		}
		this.dataset.verdict = 'checking';
		setText(out, `Running each of the ${done.rows.length} prompts alone (B = 1) to check the rows…`);
		const events = c.events;
		this.pending = runAlone(promptRows(settings.prompt), settings, run.config.topCandidates).then(
			(alone) => {
				if (c.events !== events) return;
				const verdict = compareRows(
					done.rows.map((r) => r.ids),
					alone,
				);
				this.dataset.verdict = verdict.same ? 'same' : 'differ';
				setText(out, verdict.text);
			},
			(error: unknown) => {
				if (c.events !== events) return;
				this.dataset.verdict = 'error';
				setText(out, `The rows could not be checked: ${error instanceof Error ? error.message : String(error)}`);
			},
		);
	}
}

define('rc-row-check', RowCheck);
