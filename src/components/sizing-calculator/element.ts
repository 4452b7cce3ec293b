/**
 * <sizing-calculator>: the behaviour of SizingCalculator.astro. Reads the form, recomputes every
 * figure, the chart and its table on each change, and shows the page's own measured model once a
 * measurement arrives. Every text goes in through textContent.
 *
 * Feeding the measured row (any of the three; an event sent before the element is defined is lost):
 *   calculator.measurement = { weightBytes, kvBytesPerToken, msPerToken, backend };
 *   calculator.dispatchEvent(new CustomEvent('measurement', { detail: { ... } }));
 *   calculator.setAttribute('data-measurement', JSON.stringify({ ... }));
 */
import {
	formatCount,
	formatDecimalBytes,
	formatSignificant,
	getGpu,
	getModel,
	isDtypeName,
	isGpuId,
	parseMeasurement,
} from '../../serving-math';
import { parseNumberField } from './fields';
import {
	CALCULATOR_MODELS,
	type CalculatorModelId,
	type CalculatorState,
	type ChartView,
	calculatorView,
	DEFAULT_STATE,
	FIGURES,
	type NumberField,
	numberRules,
} from './view';

const SVG = 'http://www.w3.org/2000/svg';
const NUMBER_FIELDS: NumberField[] = ['contextTokens', 'users', 'pricePerGpuHour'];
/** Long enough that typing a number announces the result once, not per keystroke. */
const ANNOUNCE_DELAY_MS = 800;

const isCalculatorModel = (id: string): id is CalculatorModelId =>
	(CALCULATOR_MODELS as readonly string[]).includes(id);

export class SizingCalculator extends HTMLElement {
	static observedAttributes = ['data-measurement'];

	private state: CalculatorState = { ...DEFAULT_STATE };
	private announceTimer: ReturnType<typeof setTimeout> | undefined;
	private wired = false;
	private lastMeasurement: unknown;

	connectedCallback(): void {
		const form = this.querySelector('form');
		if (!form || this.wired) return;
		this.wired = true;
		form.addEventListener('submit', (event) => event.preventDefault());
		form.addEventListener('input', () => this.update(false, true));
		form.addEventListener('change', () => this.update(true, true));
		this.addEventListener('measurement', (event) => {
			this.measurement = (event as CustomEvent).detail;
		});
		// A measurement set as a property before this element was defined sits on the instance.
		if (Object.hasOwn(this, 'measurement')) {
			const early = (this as { measurement?: unknown }).measurement;
			delete (this as { measurement?: unknown }).measurement;
			this.measurement = early;
		}
		this.update(false, false);
		const attribute = this.getAttribute('data-measurement');
		if (attribute) this.attributeChangedCallback('data-measurement', null, attribute);
	}

	attributeChangedCallback(_name: string, _old: string | null, value: string | null): void {
		if (value === null) return;
		let parsed: unknown;
		try {
			parsed = JSON.parse(value);
		} catch {
			parsed = value;
		}
		this.measurement = parsed;
	}

	get measurement(): unknown {
		return this.lastMeasurement;
	}

	/** Shows the page's own model, measured on this device, as the first row. */
	set measurement(value: unknown) {
		this.lastMeasurement = value;
		const result = parseMeasurement(value);
		const row = this.querySelector('[data-measured-row]');
		if (!row) return;
		row.toggleAttribute('data-measured-ok', result.ok);
		if (!result.ok) {
			this.setText('[data-measured-status]', `Measurement not shown: ${result.message}`);
			return;
		}
		const { measurement, tokensPerHour } = result;
		this.setText('[data-measured-status]', `Measured here (${measurement.backend}).`);
		this.setText('[data-measured="weights"]', formatDecimalBytes(measurement.weightBytes));
		this.setText('[data-measured="kvPerToken"]', `${formatCount(measurement.kvBytesPerToken)} B`);
		this.setText('[data-measured="msPerToken"]', `${formatSignificant(measurement.msPerToken)} ms`);
		this.setText('[data-measured="tokensPerHour"]', formatSignificant(tokensPerHour));
	}

	private readState(commit: boolean): void {
		const form = this.querySelector('form')!;
		const select = (name: string) => (form.elements.namedItem(name) as HTMLSelectElement | null)?.value ?? '';
		const modelId = select('modelId');
		const gpuId = select('gpuId');
		const weightDtype = select('weightDtype');
		const kvDtype = select('kvDtype');
		if (isCalculatorModel(modelId)) this.state.modelId = modelId;
		if (isGpuId(gpuId)) this.state.gpuId = gpuId;
		if (isDtypeName(weightDtype)) this.state.weightDtype = weightDtype;
		if (isDtypeName(kvDtype)) this.state.kvDtype = kvDtype;
		const rules = numberRules(this.state.modelId);
		for (const name of NUMBER_FIELDS) {
			const input = form.elements.namedItem(name) as HTMLInputElement | null;
			if (!input) continue;
			const parsed = parseNumberField(input.value, rules[name], this.state[name]);
			this.state[name] = parsed.value;
			const message = this.querySelector<HTMLElement>(`[data-message-for="${name}"]`);
			if (message) {
				message.textContent = parsed.message ?? '';
				message.hidden = !parsed.message;
			}
			// Rewrite the field only once the reader leaves it, never while they type.
			if (commit && parsed.message) input.value = String(parsed.value);
		}
	}

	/** `announce`: false for the first render, so loading the page says nothing. */
	private update(commit: boolean, announce: boolean): void {
		this.readState(commit);
		const view = calculatorView(this.state);
		for (const key of FIGURES) {
			this.setText(`[data-figure="${key}"]`, view.figures[key].value);
			this.setText(`[data-working="${key}"]`, view.figures[key].working);
		}
		this.setText('[data-verdict]', view.verdict);
		this.querySelector('[data-verdict]')?.setAttribute('data-fits', String(view.fits));
		this.updateSources();
		this.drawChart(view.chart);
		clearTimeout(this.announceTimer);
		if (announce)
			this.announceTimer = setTimeout(() => this.setText('[data-summary]', view.summary), ANNOUNCE_DELAY_MS);
	}

	private updateSources(): void {
		const model = getModel(this.state.modelId);
		const gpu = getGpu(this.state.gpuId);
		const links: [string, { href: string; label: string }][] = [
			['model', { href: model.source.href, label: `${model.name} ${model.source.label}` }],
			['parameters', { href: model.parameters!.source.href, label: `${model.name} ${model.parameters!.source.label}` }],
			['gpu', { href: gpu.source.href, label: gpu.source.label }],
		];
		for (const [name, { href, label }] of links) {
			for (const link of this.querySelectorAll<HTMLAnchorElement>(`a[data-source="${name}"]`)) {
				link.href = href;
				link.textContent = label;
			}
		}
		this.setText('[data-gpu-published]', `${gpu.published.memory}, ${gpu.published.bandwidth}`);
		this.setText('[data-config-name]', `${model.name} on ${gpu.name}`);
	}

	private drawChart(chart: ChartView): void {
		this.setText('[data-chart-desc]', chart.description);
		this.querySelector('[data-chart-line]')?.setAttribute('d', chart.path);
		const ticks = this.querySelector('[data-chart-ticks]');
		const points = this.querySelector('[data-chart-points]');
		const rows = this.querySelector('[data-chart-rows]');
		if (!ticks || !points || !rows) return;
		const { plot } = chart;
		ticks.replaceChildren(
			...chart.xTicks.flatMap((tick) => [
				svg('line', { x1: tick.at, x2: tick.at, y1: plot.bottom, y2: plot.bottom + 4, class: 'sizing-chart__tick' }),
				svg('text', { x: tick.at, y: plot.bottom + 16, 'text-anchor': 'middle' }, tick.label),
			]),
			...chart.yTicks.flatMap((tick) => [
				svg('line', { x1: plot.left, x2: plot.right, y1: tick.at, y2: tick.at, class: 'sizing-chart__grid' }),
				svg('text', { x: plot.left - 6, y: tick.at + 4, 'text-anchor': 'end' }, tick.label),
			]),
		);
		points.replaceChildren(
			...chart.points.map((point) =>
				point.current
					? svg('g', { class: 'sizing-chart__current' }, undefined, [
							svg('rect', { x: point.x - 5, y: point.y - 5, width: 10, height: 10 }),
							svg('text', { x: point.label.x, y: point.label.y, 'text-anchor': point.label.anchor }, point.labelText),
						])
					: svg('circle', { cx: point.x, cy: point.y, r: 3.5 }),
			),
		);
		rows.replaceChildren(
			...chart.points.map((point) => {
				const row = document.createElement('tr');
				const cells = [formatCount(point.users) + (point.current ? ' (yours)' : ''), point.perUser, point.cost];
				row.replaceChildren(
					...cells.map((text, index) => {
						const cell = document.createElement(index === 0 ? 'th' : 'td');
						if (index === 0) cell.setAttribute('scope', 'row');
						cell.textContent = text;
						return cell;
					}),
				);
				return row;
			}),
		);
	}

	private setText(selector: string, text: string): void {
		for (const element of this.querySelectorAll(selector)) element.textContent = text;
	}
}

function svg(
	name: string,
	attributes: Record<string, string | number>,
	text?: string,
	children: Element[] = [],
): SVGElement {
	const element = document.createElementNS(SVG, name);
	for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
	if (text !== undefined) element.textContent = text;
	element.append(...children);
	return element;
}

if (!customElements.get('sizing-calculator')) customElements.define('sizing-calculator', SizingCalculator);
