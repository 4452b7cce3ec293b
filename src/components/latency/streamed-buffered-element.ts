/**
 * `<rc-streamed-buffered for="run">`: when a run ends, replays its delivery both ways on the run's
 * own token times, slowed down so the eye can follow (the factor is said), then draws both on one
 * time axis. Streamed text appears at TTFT and grows a token at a time; buffered text appears all
 * at once at the total. With prefers-reduced-motion the replay is skipped: the end state and the
 * timeline say the same. Only the summary is a live region, once per run.
 */
import { define, RunPanel, setText, show } from '../runnable/parts/panel';
import type { RunBlock } from '../runnable/parts/run-element';
import { ms } from './format';
import { finishedRun, type FinishedRun } from './prediction';
import { chartSvg, svgEl } from './svg';
import { timelineGeometry } from './timeline-geometry';

/** A replay lasts about this long, or the measured time if that is longer. */
const REPLAY_MS = 2500;
const WIDTH = 320;

class StreamedBuffered extends RunPanel {
	private shownRun = -1;
	private frame = 0;
	private last: FinishedRun | undefined;

	protected override wire(): void {
		this.ref('replay').addEventListener('click', () => this.last && this.replay(this.last));
	}

	override disconnectedCallback(): void {
		cancelAnimationFrame(this.frame);
		super.disconnectedCallback();
	}

	protected paint(run: RunBlock): void {
		const c = run.controller;
		const finished = c.state === 'done' ? finishedRun(c.events) : undefined;
		if (!finished) {
			if (this.shownRun !== -1) {
				this.shownRun = -1;
				cancelAnimationFrame(this.frame);
				this.last = undefined;
				this.showAt(undefined, 0);
				this.ref('timeline').replaceChildren();
				setText(this.ref('delivery-summary'), '');
				this.keepingFocus(run, () => show(this.ref('replay'), false));
			}
			return;
		}
		if (this.shownRun === c.runNumber) return;
		this.shownRun = c.runNumber;
		this.last = finished;
		this.drawTimeline(finished);
		this.replay(finished);
	}

	private replay(run: FinishedRun): void {
		cancelAnimationFrame(this.frame);
		const total = run.tokenTimesMs.at(-1)!;
		const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
		const slower = Math.max(1, REPLAY_MS / Math.max(total, 1e-3));
		const pace =
			slower > 1.05
				? `replayed ${Math.round(slower).toLocaleString('en')} times slower than measured`
				: 'replayed at the measured pace';
		setText(
			this.ref('delivery-note'),
			reduced
				? 'Your system asks for reduced motion, so the replay is skipped: both panels show the end, and the timeline shows when each had text.'
				: `The run's delivery, ${pace}, on its own measured token times.`,
		);
		this.summarise(run);
		if (reduced) {
			this.showAt(run, total);
			show(this.ref('replay'), false);
			return;
		}
		show(this.ref('replay'), true);
		const start = performance.now();
		const tick = () => {
			const at = (performance.now() - start) / slower;
			this.showAt(run, Math.min(at, total));
			if (at < total) this.frame = requestAnimationFrame(tick);
		};
		this.showAt(run, 0);
		this.frame = requestAnimationFrame(tick);
	}

	/** Both panels as a reader would see them `atMs` after sending the request. */
	private showAt(run: FinishedRun | undefined, atMs: number): void {
		let streamed = '';
		if (run) {
			let k = -1;
			while (k + 1 < run.tokenTimesMs.length && run.tokenTimesMs[k + 1]! <= atMs) k++;
			streamed = k >= 0 ? run.textAfterToken[k]! : '';
		}
		const buffered = run && atMs >= run.tokenTimesMs.at(-1)! ? run.generatedText : '';
		setText(this.ref('streamed-text'), streamed);
		setText(this.ref('buffered-text'), buffered);
		// A token can be only the stop marker, which has no text: the panel then says so, not "nothing".
		show(this.ref('streamed-wait'), run ? atMs < run.tokenTimesMs[0]! : true);
		show(this.ref('buffered-wait'), !buffered && !(run && atMs >= run.tokenTimesMs.at(-1)!));
	}

	private summarise(run: FinishedRun): void {
		const g = timelineGeometry(run.tokenTimesMs, WIDTH);
		const [s, b] = g.rows;
		setText(
			this.ref('delivery-summary'),
			`Measured here: streamed text from ${ms(s.firstTextMs)}, buffered text at ${ms(b.firstTextMs)}; both complete at ${ms(g.totalMs)}. Streaming showed the first words ${ms(g.earlierByMs)} sooner and did the same work.`,
		);
	}

	private drawTimeline(run: FinishedRun): void {
		const g = timelineGeometry(run.tokenTimesMs, WIDTH);
		const left = 70;
		const rowH = 22;
		const svg = chartSvg(
			WIDTH + left + 10,
			2 * rowH + 34,
			'Streamed and buffered delivery on one time axis',
			`Measured here. Streamed: waiting until ${ms(g.rows[0].firstTextMs)}, then text on screen, one more token about every time per output token. Buffered: waiting until ${ms(g.rows[1].firstTextMs)}. Both end at ${ms(g.totalMs)}.`,
			`rc-${this.run.config.id}-delivery-desc`,
		);
		g.rows.forEach((row, i) => {
			const y = 6 + i * rowH;
			svg.append(svgEl('text', { x: 0, y: y + 12, class: 'rc-delivery-label' }, row.label));
			if (row.waitTo > 0)
				svg.append(svgEl('line', { x1: left, x2: left + row.waitTo, y1: y + 8, y2: y + 8, class: 'rc-delivery-wait' }));
			if (row.textTo > row.textFrom)
				svg.append(
					svgEl('rect', {
						x: left + row.textFrom,
						y,
						width: row.textTo - row.textFrom,
						height: 16,
						class: 'rc-delivery-text-bar',
					}),
				);
			else
				svg.append(svgEl('rect', { x: left + row.textTo - 2, y, width: 3, height: 16, class: 'rc-delivery-text-bar' }));
		});
		for (const x of g.tokenTicks)
			svg.append(svgEl('line', { x1: left + x, x2: left + x, y1: 4, y2: 24, class: 'rc-delivery-tick' }));
		const axisY = 2 * rowH + 12;
		svg.append(svgEl('line', { x1: left, x2: left + WIDTH, y1: axisY, y2: axisY, class: 'rc-axis' }));
		svg.append(svgEl('text', { x: left, y: axisY + 14, class: 'rc-axis-label' }, '0 ms'));
		svg.append(
			svgEl('text', { x: left + WIDTH, y: axisY + 14, 'text-anchor': 'end', class: 'rc-axis-label' }, ms(g.totalMs)),
		);
		this.ref('timeline').replaceChildren(svg);
	}
}

define('rc-streamed-buffered', StreamedBuffered);
