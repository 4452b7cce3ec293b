/**
 * `<rc-measure for="run" to="element-id">`: when a run of the `stream` loop finishes, hands what it
 * measured (weights, KV bytes a token, mean decode step, backend) to the element `to` names, as a
 * `measurement` event whose detail is plain data (the sizing calculator's first row takes it), and
 * says so in one polite line. Each finished run is sent once; scrubbing it sends nothing.
 */
import { formatCount, formatDecimalBytes, formatSignificant } from '../../../serving-math/format';
import { measureStreamRun } from '../measure-run';
import { viewAt } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunMeasure extends RunPanel {
	private measured: unknown;

	protected wire(): void {
		if (this.run.config.loop !== 'stream')
			console.error(`<rc-measure for="${this.run.config.id}">: measures runs of the stream loop only.`);
	}

	protected paint(run: RunBlock): void {
		const c = run.controller;
		// The last figures stay after Reset: the calculator keeps showing them too.
		if (c.state !== 'done') return;
		if (this.measured === c.events) return;
		this.measured = c.events;
		const note = this.ref('measure-note');
		const result = measureStreamRun(viewAt(c.events, c.events.length - 1, run.config.loop), c.info);
		if (!result.ok) {
			setText(note, `Nothing measured: ${result.reason}`);
			return;
		}
		const m = result.measurement;
		const target = document.getElementById(this.getAttribute('to') ?? '');
		if (!target) console.error(`<rc-measure to="${this.getAttribute('to')}">: no element with that id.`);
		target?.dispatchEvent(new CustomEvent('measurement', { detail: m }));
		this.dataset.msPerToken = String(m.msPerToken);
		this.dataset.kvBytesPerToken = String(m.kvBytesPerToken);
		this.dataset.weightBytes = String(m.weightBytes);
		setText(
			note,
			`Measured here (${m.backend}): ${formatSignificant(m.msPerToken)} ms a decode step on average over ` +
				`${formatCount(m.decodeSteps)} step${m.decodeSteps === 1 ? '' : 's'}, ` +
				`${formatCount(m.kvBytesPerToken)} bytes of cache a token, ${formatDecimalBytes(m.weightBytes)} of weights. ` +
				(this.dataset.sent ?? ''),
		);
	}
}

define('rc-measure', RunMeasure);
