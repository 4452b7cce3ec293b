/**
 * `<rc-batch-chart for="run">`: one point per B from the run's finished runs (step time, tokens
 * per second for all rows and per user, padding), drawn as two small charts and a table; its
 * button runs every B of the sweep in turn. Series differ by line and marker, not only colour.
 */
import type { BatchedDoneEvent } from '../../../runtime/loops/batched-events';
import { SWEEP_SIZES, plot, pointOf, withPoint, type BatchPoint } from '../batch-sweep';
import { isActive } from '../run-states';
import type { BatchSize } from './batch-size-element';
import { define, RunPanel, setText } from './panel';
import type { RowCheck } from './row-check-element';
import type { RunBlock } from './run-element';

const SVG = 'http://www.w3.org/2000/svg';
const BOX = { width: 300, height: 150, pad: 24 };

class BatchChart extends RunPanel {
	private points: BatchPoint[] = [];
	private recorded: readonly unknown[] | undefined;
	private sweeping = false;

	protected override wire(): void {
		const c = this.run.controller;
		c.subscribe((change) => {
			if (change === 'state' && c.state === 'done') this.record(c.events);
		});
		this.ref<HTMLButtonElement>('sweep').addEventListener('click', () => void this.sweep());
	}

	/** aria-disabled rather than disabled while a run is on: the button keeps the focus it had. */
	protected paint(run: RunBlock): void {
		const busy = this.sweeping || isActive(run.controller.state);
		const button = this.ref<HTMLButtonElement>('sweep');
		if (button.getAttribute('aria-disabled') !== String(busy)) button.setAttribute('aria-disabled', String(busy));
	}

	private record(events: readonly unknown[]): void {
		if (events === this.recorded) return;
		this.recorded = events;
		const done = events.at(-1) as BatchedDoneEvent | undefined;
		if (!done || done.step !== 'done' || done.reason === 'stopped' || !done.stats.newTokens) return;
		this.points = withPoint(this.points, pointOf(done.stats));
		this.draw();
	}

	private async sweep(): Promise<void> {
		const run = this.run;
		if (this.sweeping || isActive(run.controller.state)) return;
		const id = run.config.id;
		const size = document.querySelector<BatchSize>(`rc-batch-size[for="${id}"]`);
		const check = document.querySelector<RowCheck>(`rc-row-check[for="${id}"]`);
		const status = this.ref('sweep-status');
		this.sweeping = true;
		run.frames.schedule();
		let outcome = `Measured B = ${SWEEP_SIZES.join(', ')}: one point each.`;
		try {
			for (const [i, b] of SWEEP_SIZES.entries()) {
				setText(status, `Measuring B = ${b} (${i + 1} of ${SWEEP_SIZES.length})…`);
				// The previous run's check runs prompts alone on the same worker: not during a measurement.
				await check?.settled();
				size?.setSize(b);
				await run.controller.run({ pace: 'realtime' });
				const c = run.controller;
				const last = c.events.at(-1);
				if (c.state !== 'done' || !last || last.step !== 'done' || (last as BatchedDoneEvent).reason === 'stopped') {
					outcome =
						c.state === 'error'
							? `The sweep stopped at B = ${b}: ${c.failure ?? 'the run failed'}.`
							: `The sweep stopped at B = ${b}.`;
					break;
				}
			}
		} finally {
			this.sweeping = false;
			setText(status, outcome);
			run.frames.schedule();
		}
	}

	private draw(): void {
		const p = this.points;
		const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits });
		const rows = p.map((pt) => {
			const tr = document.createElement('tr');
			tr.dataset.b = String(pt.rows);
			const cells = [
				String(pt.rows),
				String(pt.passes),
				fmt(pt.stepMs, 2),
				fmt(pt.totalTokensPerSecond),
				fmt(pt.perUserTokensPerSecond),
				String(pt.newTokens),
				String(pt.paddingTokens),
			];
			cells.forEach((text, i) => {
				const cell = document.createElement(i === 0 ? 'th' : 'td');
				if (i === 0) cell.setAttribute('scope', 'row');
				cell.textContent = text;
				tr.append(cell);
			});
			return tr;
		});
		this.ref('points').replaceChildren(...rows);
		const bs = p.map((pt) => `B = ${pt.rows}`).join(', ');
		this.drawPlot(
			this.ref<SVGSVGElement>('plot-step'),
			[{ cls: 'total', values: p.map((pt) => ({ rows: pt.rows, value: pt.stepMs })) }],
			(v) => `${fmt(v, 2)} ms`,
			`Milliseconds per decode step, measured here, at ${bs}: ${p.map((pt) => `${fmt(pt.stepMs, 2)} ms at B = ${pt.rows}`).join('; ')}.`,
		);
		this.drawPlot(
			this.ref<SVGSVGElement>('plot-tps'),
			[
				{ cls: 'total', values: p.map((pt) => ({ rows: pt.rows, value: pt.totalTokensPerSecond })) },
				{ cls: 'user', values: p.map((pt) => ({ rows: pt.rows, value: pt.perUserTokensPerSecond })) },
			],
			(v) => fmt(v),
			`Tokens per second, measured here, all rows together and per user: ${p.map((pt) => `B = ${pt.rows}: ${fmt(pt.totalTokensPerSecond)} and ${fmt(pt.perUserTokensPerSecond)}`).join('; ')}.`,
		);
	}

	private drawPlot(
		svg: SVGSVGElement,
		series: { cls: 'total' | 'user'; values: { rows: number; value: number }[] }[],
		label: (v: number) => string,
		description: string,
	): void {
		const all = series.flatMap((s) => s.values);
		const top = Math.max(...all.map((v) => v.value), 0);
		const shapes: SVGElement[] = [];
		const el = (name: string, attrs: Record<string, string | number>, text?: string) => {
			const node = document.createElementNS(SVG, name);
			for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
			if (text !== undefined) node.textContent = text;
			shapes.push(node);
			return node;
		};
		const { width, height, pad } = BOX;
		el('line', { class: 'rc-axis', x1: pad, y1: height - pad, x2: width - pad / 2, y2: height - pad });
		el('line', { class: 'rc-axis', x1: pad, y1: pad / 2, x2: pad, y2: height - pad });
		for (const b of SWEEP_SIZES) {
			const [{ x }] = plot([{ rows: b, value: 0 }], BOX);
			el('text', { class: 'rc-tick', x: x!, y: height - pad + 14, 'text-anchor': 'middle' }, `B=${b}`);
		}
		if (all.length) el('text', { class: 'rc-tick', x: pad + 4, y: pad - 6 }, `max ${label(top)}`);
		// Scale every series of one chart to the same top.
		const scaled = series.map((s) => ({ ...s, at: plot([...s.values, { rows: 1, value: top }], BOX).slice(0, -1) }));
		for (const s of scaled) {
			if (s.at.length > 1)
				el('polyline', { class: `rc-trend rc-trend--${s.cls}`, points: s.at.map((q) => `${q.x},${q.y}`).join(' ') });
			for (const q of s.at) {
				const mark =
					s.cls === 'total'
						? el('circle', { class: 'rc-point rc-point--total', cx: q.x, cy: q.y, r: 4 })
						: el('rect', { class: 'rc-point rc-point--user', x: q.x - 4, y: q.y - 4, width: 8, height: 8 });
				mark.dataset.b = String(q.rows);
			}
		}
		svg.replaceChildren(...shapes);
		svg.setAttribute('aria-label', all.length ? description : 'No runs measured yet.');
	}
}

define('rc-batch-chart', BatchChart);
