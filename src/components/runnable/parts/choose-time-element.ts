/** `<rc-choose-time for="run">`: each step's forward-pass time beside its choosing time, and both summed. */
import { chooseTime, describeShare } from '../choose-time';
import { currentView, formatMs } from '../view-model';
import { plural } from '../settings';
import { define, RunPanel, setText, show } from './panel';
import type { RunBlock } from './run-element';

/** Choosing can take microseconds: milliseconds with enough digits to show them. */
function fine(ms: number): string {
	return ms >= 1 ? formatMs(ms) : `${ms.toFixed(3)} ms`;
}

class ChooseTimePanel extends RunPanel {
	private shown: unknown[] = [];

	protected paint(run: RunBlock): void {
		const view = currentView(run.controller);
		if (this.shown[0] === view.forwardMs && this.shown[1] === view.selectMs) return;
		this.shown = [view.forwardMs, view.selectMs];
		const t = chooseTime(view.forwardMs, view.selectMs);
		this.dataset.passes = String(t.rows.length);
		show(this.ref('choose-region'), t.rows.length > 0);
		const rows = t.rows.map((r) => {
			const tr = document.createElement('tr');
			for (const text of [String(r.step), fine(r.forwardMs), r.selectMs === undefined ? '—' : fine(r.selectMs)]) {
				const td = document.createElement('td');
				td.textContent = text;
				tr.append(td);
			}
			return tr;
		});
		this.ref('choose-rows').replaceChildren(...rows);
		if (!t.rows.length) return;
		const share = describeShare(t);
		setText(
			this.ref('choose-total'),
			`${t.rows.length} forward ${t.rows.length === 1 ? 'pass' : 'passes'} so far. Over ${plural(t.steps, 'step')}: forward passes ${fine(t.forwardTotal)}, choosing ${fine(t.selectTotal)}${share ? `; ${share}` : ''}.`,
		);
	}
}

define('rc-choose-time', ChooseTimePanel);
