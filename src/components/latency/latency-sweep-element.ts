/**
 * `<rc-latency-sweep for="run" data-kind="output|prompt">`: runs a timing sweep on the real model
 * (through runtime-adapter.ts) and draws one point per length with the fitted line. The output
 * sweep's line is shared with the run's result panel, which predicts later runs from it.
 */
import { LENGTH_LIMITS } from './lengths';
import { define, RunPanel, setText, show } from '../runnable/parts/panel';
import type { RunBlock } from '../runnable/parts/run-element';
import { isActive } from '../runnable/run-states';
import { ensureModel, failureMessage, timedStreamRun, toFailure } from '../runnable/runtime-adapter';
import { ms, perSecond } from './format';
import { promptOfLength } from './passage';
import { decodeTokensPerSecond, prefillTokensPerSecond } from '../../serving-math/latency';
import { scatterGeometry } from './scatter-geometry';
import { latencyRecord } from './store';
import { chartSvg, svgEl } from './svg';
import {
	describeOutputLine,
	describePromptLine,
	OUTPUT_LENGTHS,
	outputSweepPairs,
	promptSweepPairs,
	runSweep,
	type SweepPoint,
} from './sweep';
import type { LatencySettings } from './latency-settings-element';

class LatencySweep extends RunPanel {
	private abort: AbortController | undefined;

	private get kind(): 'output' | 'prompt' {
		return this.dataset.kind === 'prompt' ? 'prompt' : 'output';
	}

	protected override wire(): void {
		this.ref('sweep-start').addEventListener('click', () => {
			if (this.abort) this.abort.abort();
			else void this.sweep(this.run);
		});
	}

	protected paint(): void {}

	private async sweep(run: RunBlock): Promise<void> {
		const status = this.ref('sweep-status');
		if (isActive(run.controller.state)) {
			setText(status, 'Wait for the run above to end: two runs at once would slow each other down.');
			return;
		}
		const abort = (this.abort = new AbortController());
		const button = this.ref<HTMLButtonElement>('sweep-start');
		const label = button.textContent ?? '';
		button.textContent = 'Stop the sweep';
		const pairs = this.kind === 'output' ? outputSweepPairs(this.promptTokens()) : promptSweepPairs();
		const points: SweepPoint[] = [];
		try {
			setText(status, 'Loading the model…');
			await ensureModel(() => {}, abort.signal);
			setText(status, `Measuring ${pairs.length} lengths: a warm-up run, then three rounds…`);
			await runSweep(
				pairs,
				async (promptTokens, outputTokens) =>
					timedStreamRun(promptOfLength(promptTokens), outputTokens, { signal: abort.signal }),
				(point, done) => {
					points.push(point);
					this.draw(points);
					setText(status, `${done} of ${pairs.length} lengths measured…`);
				},
				undefined,
				abort.signal,
			);
			setText(status, `Done: ${pairs.length} lengths measured here, ${points.length} points.`);
		} catch (error) {
			setText(
				status,
				abort.signal.aborted
					? `Stopped after ${points.length} of ${pairs.length} lengths.`
					: failureMessage(toFailure(error)),
			);
		} finally {
			this.abort = undefined;
			button.textContent = label;
		}
	}

	/** The form's prompt length, capped so the longest output still fits the context. */
	private promptTokens(): number {
		const form = document.querySelector<LatencySettings>(`rc-latency-settings[for="${this.run.config.id}"]`);
		const asked = form?.lengths().promptTokens ?? 8;
		const room = LENGTH_LIMITS.contextTokens - Math.max(...OUTPUT_LENGTHS);
		if (asked > room)
			setText(
				this.ref('sweep-extra'),
				`The sweep uses a ${room}-token prompt so that ${Math.max(...OUTPUT_LENGTHS)} output tokens still fit the context.`,
			);
		return Math.min(asked, room);
	}

	private draw(points: SweepPoint[]): void {
		const output = this.kind === 'output';
		const xy = points.map((p) => ({
			x: output ? p.timing.outputTokens : p.run.promptTokens,
			y: output ? p.timing.totalMs : p.timing.ttftMs,
		}));
		const described = output ? describeOutputLine(points) : describePromptLine(points);
		// The output line is fitted on N − 1, so in N its intercept sits one TPOT lower.
		const line = !described.ok
			? undefined
			: 'tpotMs' in described.value
				? { slope: described.value.tpotMs, intercept: described.value.ttftMs - described.value.tpotMs }
				: { slope: described.value.slope, intercept: described.value.intercept };
		const g = scatterGeometry(xy, line);
		const { width, height, left, bottom } = g.frame;
		const xName = output ? 'output tokens (N)' : 'prompt tokens';
		const yName = output ? 'total' : 'TTFT';
		const svg = chartSvg(
			width,
			height,
			output ? 'Total time against output length' : 'Time to first token against prompt length',
			`Measured here: ${xy.map((p) => `${p.x} ${xName}, ${yName} ${ms(p.y)}`).join('; ')}.${points.length > 1 ? ` Fitted line: ${described.label}` : ''}`,
			`rc-${this.run.config.id}-sweep-${this.kind}-desc`,
		);
		const x0 = left;
		const y0 = height - bottom;
		svg.append(svgEl('line', { x1: x0, x2: width - g.frame.right, y1: y0, y2: y0, class: 'rc-axis' }));
		svg.append(svgEl('line', { x1: x0, x2: x0, y1: g.frame.top, y2: y0, class: 'rc-axis' }));
		for (const t of g.xTicks)
			svg.append(
				svgEl('text', { x: t.at, y: y0 + 13, 'text-anchor': 'middle', class: 'rc-axis-label' }, String(t.value)),
			);
		for (const t of g.yTicks)
			svg.append(
				svgEl('text', { x: x0 - 4, y: t.at + 3, 'text-anchor': 'end', class: 'rc-axis-label' }, String(t.value)),
			);
		svg.append(
			svgEl('text', { x: (x0 + width) / 2, y: height - 2, 'text-anchor': 'middle', class: 'rc-axis-label' }, xName),
		);
		svg.append(svgEl('text', { x: 2, y: 9, class: 'rc-axis-label' }, `${yName}, ms`));
		if (g.line) svg.append(svgEl('line', { ...g.line, class: 'rc-fit-line', 'data-rc': 'fit-line' }));
		for (const p of g.points) {
			const dot = svgEl('circle', { cx: p.cx, cy: p.cy, r: 3.5, class: 'rc-point', 'data-length': p.x });
			dot.append(svgEl('title', {}, `${p.x} ${xName}: ${yName} ${ms(p.y)}`));
			svg.append(dot);
		}
		this.ref('sweep-chart').replaceChildren(svg);
		setText(this.ref('sweep-line'), points.length > 1 ? `Fitted line (dashed): ${described.label}` : '');
		this.ref('sweep-rows').replaceChildren(
			...points.map((p) => {
				const tr = document.createElement('tr');
				for (const text of [
					String(output ? p.timing.outputTokens : p.run.promptTokens),
					ms(p.timing.ttftMs),
					ms(p.timing.totalMs),
				]) {
					const td = document.createElement('td');
					td.textContent = text;
					tr.append(td);
				}
				return tr;
			}),
		);
		show(this.ref('sweep-table'), points.length > 0);
		if (output && points.length === OUTPUT_LENGTHS.length && described.ok && 'tpotMs' in described.value)
			latencyRecord(this.run.config.id).outputLine = described.value;
		if (!output && points.length > 1) this.rates(points.at(-1)!);
	}

	/** Prefill against decode, in tokens per second, at the longest prompt. */
	private rates(p: SweepPoint): void {
		const prefill = prefillTokensPerSecond(p.run.promptTokens, p.run.prefillMs);
		const decode = decodeTokensPerSecond(p.timing);
		if (!prefill.ok || !decode.ok) return;
		setText(
			this.ref('sweep-extra'),
			`At ${p.run.promptTokens} prompt tokens, measured here: prefill ${perSecond(prefill.value)}, decode ${perSecond(decode.value)}, ${(prefill.value / decode.value).toFixed(0)} times as many tokens a second.`,
		);
	}
}

define('rc-latency-sweep', LatencySweep);
