/** `<rc-schedule for="run">`: a continuous run's passes, utilisation, timeline and requests, at the step on screen. */
import { formatMs } from '../view-model';
import { currentSchedule, percent, requestLabel, type RequestProgress, type ScheduleCell } from '../schedule-view';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

/** A request's colour; its label, not the colour, is what tells requests apart. */
export function requestHue(request: number): number {
	return Math.round((request * 137.5) % 360);
}

export function cellElement(cell: ScheduleCell | null): HTMLSpanElement {
	const el = document.createElement('span');
	el.className = 'rc-cell';
	if (!cell) {
		el.classList.add('rc-cell--idle');
		el.textContent = '·';
		return el;
	}
	el.style.setProperty('--hue', String(requestHue(cell.request)));
	el.textContent = `${cell.first ? '▸' : cell.resumed ? '↺' : ''}${requestLabel(cell.request)}`;
	if (cell.first) el.classList.add('rc-cell--first');
	el.dataset.request = String(cell.request);
	return el;
}

class RunSchedule extends RunPanel {
	private columns = 0;
	private rows: HTMLTableRowElement[] = [];

	protected paint(run: RunBlock): void {
		const view = currentSchedule(run.controller);
		const passes = view.decodePasses + view.prefillPasses;
		setText(
			this.ref('sched-passes'),
			view.index < 0 ? '–' : `${passes} (${view.decodePasses} batched decode steps + ${view.prefillPasses} prefills)`,
		);
		setText(this.ref('sched-util'), view.steps.length ? percent(view.utilisation) : '–');
		setText(this.ref('sched-total'), view.makespanMs === null ? '–' : formatMs(view.makespanMs));
		this.dataset.passes = String(passes);
		this.dataset.decodePasses = String(view.decodePasses);
		this.dataset.prefillPasses = String(view.prefillPasses);
		this.dataset.utilisation = view.utilisation.toFixed(4);
		this.dataset.steps = String(view.steps.length);

		const timeline = this.ref('timeline');
		// One row per slot, then a row counting the busy slots of each step: utilisation over time.
		timeline.style.setProperty('--slots', String(Math.max(1, view.slots) + 1));
		if (view.steps.length < this.columns || (view.steps.length === 0 && timeline.childElementCount)) {
			timeline.replaceChildren();
			this.columns = 0;
		}
		if (this.columns === 0 && view.slots > 0) {
			for (let s = 0; s < view.slots; s++) {
				const head = document.createElement('span');
				head.className = 'rc-cell rc-cell--head';
				head.textContent = `S${s + 1}`;
				timeline.append(head);
			}
			timeline.append(
				Object.assign(document.createElement('span'), { className: 'rc-cell rc-cell--head', textContent: 'busy' }),
			);
		}
		for (; this.columns < view.steps.length; this.columns++) {
			const column = view.steps[this.columns]!;
			for (const cell of column) timeline.append(cellElement(cell));
			const count = document.createElement('span');
			count.className = 'rc-cell rc-cell--count';
			count.textContent = String(column.filter(Boolean).length);
			timeline.append(count);
		}
		timeline.setAttribute(
			'aria-label',
			view.steps.length
				? `${view.slots} slots over ${view.steps.length} steps: ${percent(view.utilisation)} of slot-steps busy. The table below lists each request's steps.`
				: 'Not started.',
		);

		const body = this.ref('sched-requests');
		while (this.rows.length > view.requests.length) this.rows.pop()!.remove();
		while (this.rows.length < view.requests.length) this.rows.push(this.row(body));
		for (const [i, r] of view.requests.entries()) this.fill(this.rows[i]!, r);
	}

	private row(body: HTMLElement): HTMLTableRowElement {
		const tr = document.createElement('tr');
		const head = document.createElement('th');
		head.scope = 'row';
		tr.append(head);
		for (let i = 0; i < 5; i++) tr.append(document.createElement('td'));
		body.append(tr);
		return tr;
	}

	private fill(tr: HTMLTableRowElement, r: RequestProgress): void {
		const cells = tr.children;
		const swatch = `${r.label}`;
		setText(cells[0]!, swatch);
		(cells[0] as HTMLElement).style.setProperty('--hue', String(requestHue(r.request)));
		setText(cells[1]!, r.prompt);
		setText(cells[2]!, r.admittedAt === null ? 'waiting' : String(r.admittedAt + 1));
		setText(cells[3]!, stepAndTime(r.firstTokenAt, r.timeToFirstTokenMs));
		setText(
			cells[4]!,
			r.finishedAt === null
				? ended(r).replace(/^ \((.*)\)$/, '$1')
				: `${stepAndTime(r.finishedAt, r.finishedAtMs)}${ended(r)}`,
		);
		setText(cells[5]!, r.admittedAt === null ? '' : String(r.newTokens));
		tr.dataset.request = String(r.request);
		tr.dataset.reason = r.reason ?? '';
		tr.dataset.ids = r.ids?.join(' ') ?? '';
	}
}

function stepAndTime(step: number | null, ms: number | null): string {
	if (step === null) return '';
	return ms === null ? `step ${step + 1}` : `step ${step + 1}, ${formatMs(ms)}`;
}

function ended(r: RequestProgress): string {
	if (r.reason === 'eos') return '';
	const why = {
		max_new: 'max new tokens',
		'context-full': 'context full',
		stopped: 'stopped',
		'kv-full': 'KV memory full',
	};
	return r.reason ? ` (${why[r.reason]})` : '';
}

define('rc-schedule', RunSchedule);
