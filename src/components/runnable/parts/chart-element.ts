/**
 * `<rc-chart for="a b">`: the forward-pass timing of one run, or of several on one scale (a
 * series each, labelled, told apart by bar style as well as colour).
 */
import { TimingChart, type ChartSeries } from '../render-chart';
import { currentView, formatMs } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunChart extends RunPanel {
	private chart: TimingChart | undefined;

	protected override wire(): void {
		const legend = this.querySelector('[data-rc="chart-legend"]');
		if (!legend) return;
		legend.replaceChildren(
			...this.series().map((s, j) => {
				const li = document.createElement('li');
				const swatch = document.createElement('span');
				swatch.className = `rc-swatch rc-series--${j}`;
				swatch.setAttribute('aria-hidden', 'true');
				li.append(swatch, document.createTextNode(s.label));
				return li;
			}),
		);
	}

	/** Paints every series whenever any run moves: they share one scale. */
	protected paint(): void {
		this.chart ??= new TimingChart(this.ref('chart'));
		const series = this.series();
		this.chart.update(series);
		setText(this.ref('chart-desc'), this.describe(series));
	}

	private series(): ChartSeries[] {
		const labels = JSON.parse(this.dataset.labels ?? '[]') as string[];
		return this.runs.map((run, j) => {
			const c = run.controller;
			const view = currentView(c);
			const current = view.current;
			return {
				label: labels[j] ?? run.config.title,
				ms: view.forwardMs,
				highlight: current && current.step !== 'done' ? view.iteration : -1,
			};
		});
	}

	private describe(series: ChartSeries[]): string {
		const empty = this.dataset.emptyNote ?? '';
		if (series.length > 1) {
			const withPasses = series.filter((s) => s.ms.length);
			if (!withPasses.length) return empty;
			return withPasses
				.map((s) => `${s.label}: ${s.ms.length} passes, latest ${formatMs(s.ms[s.ms.length - 1]!)}.`)
				.join(' ');
		}
		const ms = series[0]?.ms ?? [];
		if (ms.length <= 1) return empty;
		const mode = this.run.controller.settings?.mode;
		const note = (mode === 'cached' ? this.dataset.noteCached : this.dataset.noteNaive) ?? '';
		const per = this.run.config.loop === 'batched' ? 'step of every row' : 'output token';
		return `${ms.length} passes, one per ${per} (first ${formatMs(ms[0]!)}, latest ${formatMs(ms[ms.length - 1]!)}). ${note}`.trim();
	}
}

define('rc-chart', RunChart);
