/**
 * Forward-pass time per output token as a small bar chart (SVG). One bar per pass makes the
 * lesson's point visible: each output token costs one pass, and in naive mode each costs more.
 */
import { formatMs } from './view-model';

const SVG = 'http://www.w3.org/2000/svg';

export class TimingChart {
	private readonly svg: SVGSVGElement;
	private shown = '';

	constructor(readonly host: HTMLElement) {
		this.svg = document.createElementNS(SVG, 'svg');
		this.svg.setAttribute('role', 'img');
		this.svg.setAttribute('preserveAspectRatio', 'none');
		host.replaceChildren(this.svg);
		this.update([], -1);
	}

	update(ms: readonly number[], highlight: number): void {
		const key = `${ms.length}:${ms[ms.length - 1] ?? ''}:${highlight}`;
		if (key === this.shown) return;
		this.shown = key;
		const n = Math.max(ms.length, 10);
		const max = Math.max(...ms, 1);
		const width = n * 10;
		const height = 60;
		this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
		const bars = ms.map((value, i) => {
			const rect = document.createElementNS(SVG, 'rect');
			const h = Math.max(1, (value / max) * (height - 2));
			rect.setAttribute('x', String(i * 10 + 1));
			rect.setAttribute('width', '8');
			rect.setAttribute('y', String(height - h));
			rect.setAttribute('height', String(h));
			rect.setAttribute('class', i === highlight ? 'rc-bar rc-bar--current' : i === 0 ? 'rc-bar rc-bar--prefill' : 'rc-bar');
			return rect;
		});
		this.svg.replaceChildren(...bars);
		this.svg.setAttribute(
			'aria-label',
			ms.length
				? `${ms.length} forward pass${ms.length === 1 ? '' : 'es'}: first ${formatMs(ms[0]!)}, last ${formatMs(ms[ms.length - 1]!)}, slowest ${formatMs(max)}.`
				: 'No forward passes yet.',
		);
	}
}
