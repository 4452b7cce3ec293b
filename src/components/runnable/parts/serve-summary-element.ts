/**
 * `<rc-serve-summary for="a b">`: two continuous-loop runs' figures side by side, and once a run
 * has finished with greedy decoding, each of its requests checked against the same prompt run
 * alone (lesson 1's loop, in the page's runtime): same tokens, or where they part.
 */
import { soloGreedyIds } from '../runtime-adapter';
import { currentSchedule, percent, requestLabel, type ScheduleView } from '../schedule-view';
import { promptRows } from '../settings';
import { isActive } from '../run-states';
import { formatMs } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

type SoloCheck =
	| { state: 'waiting' }
	| { state: 'running' }
	| { state: 'done'; ids: number[][] }
	| { state: 'failed'; message: string };

/** Solo runs by prompt list and length: both runs share one set. */
const soloRuns = new Map<string, SoloCheck>();

const FIGURES: Array<[string, (v: ScheduleView) => string]> = [
	['Forward passes', (v) => `${v.decodePasses + v.prefillPasses}`],
	['of which batched decode steps', (v) => `${v.decodePasses}`],
	['of which prefills', (v) => `${v.prefillPasses}`],
	['Slot utilisation', (v) => (v.steps.length ? percent(v.utilisation) : '–')],
	['Total time', (v) => (v.makespanMs === null ? '–' : formatMs(v.makespanMs))],
	['Mean step of first token', (v) => meanStep(v.requests.map((r) => r.firstTokenAt))],
	['Mean finishing step', (v) => meanStep(v.requests.map((r) => r.finishedAt))],
	['Mean time to first token', (v) => mean(v.requests.map((r) => r.timeToFirstTokenMs))],
	['Mean finish time', (v) => mean(v.requests.map((r) => r.finishedAtMs))],
];

class RunServeSummary extends RunPanel {
	protected paint(): void {
		const views = this.runs.map((run) => (finished(run) ? currentSchedule(run.controller) : undefined));
		const body = this.ref('summary-rows');
		const rows = FIGURES.map(([name, f]) => [name, ...views.map((v) => (v ? f(v) : '–'))]);
		const key = JSON.stringify(rows);
		if (body.dataset.key !== key) {
			body.dataset.key = key;
			body.replaceChildren(...rows.map(tableRow));
		}
		const labels = JSON.parse(this.dataset.labels ?? '[]') as string[];
		const verdicts: string[] = [];
		const details: string[] = [];
		const kinds: string[] = [];
		for (const [i, run] of this.runs.entries()) {
			const view = views[i];
			const name = labels[i] ?? run.config.title;
			const check = view && run.controller.settings?.strategy === 'greedy' ? this.solo(run) : undefined;
			if (!view) kinds.push('');
			else if (!check) {
				kinds.push('not-comparable');
				verdicts.push(`${name}: sampled runs are not compared with greedy ones.`);
			} else if (check.state === 'waiting') {
				kinds.push('waiting');
				verdicts.push(`${name}: each request will be checked against its solo run once no run is being timed.`);
			} else if (check.state === 'running') {
				kinds.push('checking');
				verdicts.push(`${name}: running each request alone to check it…`);
			} else if (check.state === 'failed') {
				kinds.push('failed');
				verdicts.push(`${name}: the solo runs failed (${check.message}).`);
			} else {
				const parted = view.requests.filter((r) => !same(r.ids ?? [], check.ids[r.request] ?? []));
				kinds.push(parted.length ? 'differs' : 'same');
				verdicts.push(
					parted.length
						? `${name}: ${parted.length} of ${view.requests.length} requests differ from their solo greedy runs.`
						: `${name}: all ${view.requests.length} requests produced exactly the tokens of their solo greedy runs.`,
				);
				for (const r of parted)
					details.push(
						`${name}, request ${requestLabel(r.request)}: ${whereTheyPart(r.ids ?? [], check.ids[r.request] ?? [])}`,
					);
			}
		}
		this.dataset.verdicts = kinds.join(' ');
		setText(this.ref('solo-verdict'), verdicts.join(' '));
		const list = this.ref('solo-details');
		const detailKey = JSON.stringify(details);
		if (list.dataset.key !== detailKey) {
			list.dataset.key = detailKey;
			list.replaceChildren(
				...details.map((text) => Object.assign(document.createElement('li'), { textContent: text })),
			);
		}
	}

	/** The solo greedy runs for `run`'s prompts, started on first need. */
	private solo(run: RunBlock): SoloCheck {
		const settings = run.controller.settings!;
		const key = JSON.stringify([settings.prompt, settings.maxNewTokens]);
		let check = soloRuns.get(key);
		// The solo runs share the device: start them only once nothing here is being timed.
		if (!check && this.runs.some((r) => isActive(r.controller.state))) return { state: 'waiting' };
		if (!check) {
			check = { state: 'running' };
			soloRuns.set(key, check);
			const settle = (result: SoloCheck) => {
				soloRuns.set(key, result);
				for (const r of this.runs) r.frames.schedule();
			};
			soloGreedyIds(promptRows(settings.prompt), settings.maxNewTokens).then(
				(ids) => settle({ state: 'done', ids }),
				(error: unknown) =>
					settle({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
			);
		}
		return check;
	}
}

function finished(run: RunBlock): boolean {
	const events = run.controller.events;
	const last = events[events.length - 1];
	return run.controller.state === 'done' && last?.step === 'done' && last.reason === 'finished';
}

function same(a: number[], b: number[]): boolean {
	return a.length === b.length && a.every((id, i) => id === b[i]);
}

function whereTheyPart(got: number[], solo: number[]): string {
	const at = got.findIndex((id, i) => id !== solo[i]);
	if (at < 0) return `${got.length} tokens where its solo run has ${solo.length}.`;
	return `first differs at token ${at + 1} (id ${got[at]} against ${solo[at]} alone).`;
}

function mean(values: Array<number | null>): string {
	const known = values.filter((v): v is number => v !== null);
	return known.length ? formatMs(known.reduce((a, b) => a + b, 0) / known.length) : '–';
}

/** Steps counted from 1, as the timeline and the request tables show them. */
function meanStep(steps: Array<number | null>): string {
	const known = steps.filter((v): v is number => v !== null);
	return known.length ? (known.reduce((a, b) => a + b + 1, 0) / known.length).toFixed(1) : '–';
}

function tableRow(cells: string[]): HTMLTableRowElement {
	const tr = document.createElement('tr');
	const head = document.createElement('th');
	head.scope = 'row';
	head.textContent = cells[0]!;
	tr.append(head);
	for (const text of cells.slice(1)) tr.append(Object.assign(document.createElement('td'), { textContent: text }));
	return tr;
}

define('rc-serve-summary', RunServeSummary);
