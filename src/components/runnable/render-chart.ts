/**
 * Forward-pass time per output token as a small bar chart (SVG). One bar per pass makes the
 * lesson's point visible: each output token costs one pass, and in naive mode each costs more.
 * Several series (several runs) share one scale and sit side by side per pass; each series has
 * its own bar style (solid, outlined, …) and a label, so colour is never the only difference.
 */
import { formatMs } from './view-model';

const SVG = 'http://www.w3.org/2000/svg';

export interface ChartSeries {
	label: string;
	/** Forward-pass time of each pass so far, ms. */
	ms: readonly number[];
	/** The pass on screen, or -1. */
	highlight: number;
}

export class TimingChart {
	private readonly svg: SVGSVGElement;
	private shown = '';

	constructor(readonly host: HTMLElement) {
		this.svg = document.createElementNS(SVG, 'svg');
		this.svg.setAttribute('role', 'img');
		this.svg.setAttribute('preserveAspectRatio', 'none');
		host.replaceChildren(this.svg);
		this.update([]);
	}

	update(series: readonly ChartSeries[]): void {
		const key = series.map((s) => `${s.ms.length}:${s.ms[s.ms.length - 1] ?? ''}:${s.highlight}`).join('|');
		if (key === this.shown && this.svg.childNodes.length) return;
		this.shown = key;
		const passes = Math.max(10, ...series.map((s) => s.ms.length));
		const max = Math.max(1, ...series.flatMap((s) => s.ms));
		const slot = 10 * Math.max(1, series.length);
		const height = 60;
		this.svg.setAttribute('viewBox', `0 0 ${passes * slot} ${height}`);
		const groups = series.map((s, j) => {
			const g = document.createElementNS(SVG, 'g');
			g.setAttribute('class', `rc-series rc-series--${j}`);
			g.dataset.series = s.label;
			for (const [i, value] of s.ms.entries()) {
				const rect = document.createElementNS(SVG, 'rect');
				const h = Math.max(1, (value / max) * (height - 2));
				rect.setAttribute('x', String(i * slot + j * 10 + 1));
				rect.setAttribute('width', '8');
				rect.setAttribute('y', String(height - h));
				rect.setAttribute('height', String(h));
				rect.setAttribute(
					'class',
					i === s.highlight ? 'rc-bar rc-bar--current' : i === 0 ? 'rc-bar rc-bar--prefill' : 'rc-bar',
				);
				g.append(rect);
			}
			return g;
		});
		this.svg.replaceChildren(...groups);
		this.svg.setAttribute(
			'aria-label',
			series.length ? series.map((s) => describe(s, series.length > 1)).join(' ') : 'No forward passes yet.',
		);
	}
}

function describe(s: ChartSeries, named: boolean): string {
	const prefix = named ? `${s.label}: ` : '';
	if (!s.ms.length) return `${prefix}no forward passes yet.`;
	const slowest = Math.max(...s.ms);
	return `${prefix}${s.ms.length} forward pass${s.ms.length === 1 ? '' : 'es'}: first ${formatMs(s.ms[0]!)}, last ${formatMs(s.ms[s.ms.length - 1]!)}, slowest ${formatMs(slowest)}.`;
}
