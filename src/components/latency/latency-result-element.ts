/**
 * `<rc-latency-result for="run">`: when a run ends, its measured TTFT, TPOT and total beside the
 * total TTFT + (N − 1) × TPOT predicts from earlier runs (or the sweep's line), and the error.
 * The run then joins the earlier runs. One sentence goes to the live region per run.
 */
import type { Derived } from '../../serving-math/latency';
import { define, RunPanel, setText, show } from '../runnable/parts/panel';
import type { RunBlock } from '../runnable/parts/run-element';
import { ms, perSecond, signedPercent } from './format';
import { finishedRun, predictionBasis, reportRun, type FinishedRun, type RunReport } from './prediction';
import { latencyRecord } from './store';

const REASONS: Record<string, string> = {
	eos: 'it stopped at the model’s stop token',
	max_new: 'it reached max_new',
	'context-full': 'it filled the context',
	stopped: 'you stopped it',
};

class LatencyResult extends RunPanel {
	private reported = -1;

	protected paint(run: RunBlock): void {
		const c = run.controller;
		const finished = c.state === 'done' ? finishedRun(c.events) : undefined;
		if (!finished) {
			if (c.state !== 'done') this.reported = -1;
			show(this.ref('result'), false);
			show(this.ref('result-empty'), true);
			return;
		}
		if (this.reported === c.runNumber) return;
		this.reported = c.runNumber;
		const record = latencyRecord(run.config.id);
		const report = reportRun(finished, predictionBasis(record.earlier, record.outputLine));
		// A stopped run's total is wherever the reader stopped it: it predicts nothing.
		if (finished.reason !== 'stopped') record.earlier.push(report.timing);
		this.render(report, finished);
	}

	private render(r: RunReport, { promptTokens, reason }: FinishedRun): void {
		const { outputTokens: n, ttftMs, totalMs } = r.timing;
		setText(
			this.ref('result-caption'),
			`${n} output ${n === 1 ? 'token' : 'tokens'} after a ${promptTokens}-token prompt: ${REASONS[reason] ?? reason}.`,
		);
		setText(this.ref('ttft'), ms(ttftMs));
		setText(this.ref('tpot'), r.tpot.ok ? ms(r.tpot.value) : `none: ${r.tpot.reason}`);
		setText(this.ref('total'), ms(totalMs));
		const p = r.prediction;
		setText(this.ref('pred-ttft'), p.ok ? ms(p.value.basis.ttftMs) : '—');
		setText(this.ref('pred-tpot'), p.ok ? ms(p.value.basis.tpotMs) : '—');
		setText(this.ref('pred-total'), p.ok ? `${ms(p.value.predictedMs)} = TTFT + ${n - 1} × TPOT` : '—');
		const error = p.ok
			? `Prediction error: ${ms(p.value.errorMs)} (${p.value.relative.ok ? signedPercent(p.value.relative.value) : p.value.relative.reason}), predicting from ${p.value.basis.from}.`
			: p.reason;
		setText(this.ref('error'), error);
		setText(
			this.ref('rates'),
			`Prefill: ${rate(r.prefillRate)} (prompt tokens over the prefill pass). Decode: ${rate(r.decodeRate)} (tokens after the first over the time after TTFT). Both measured here.`,
		);
		show(this.ref('result-empty'), false);
		show(this.ref('result'), true);
		setText(
			this.ref('result-said'),
			`Measured here: ${n} tokens, TTFT ${ms(ttftMs)}, total ${ms(totalMs)}${p.ok && p.value.relative.ok ? `; predicted ${ms(p.value.predictedMs)}, error ${signedPercent(p.value.relative.value)}` : ''}.`,
		);
	}
}

function rate(r: Derived<number>): string {
	return r.ok ? perSecond(r.value) : `none (${r.reason})`;
}

define('rc-latency-result', LatencyResult);
