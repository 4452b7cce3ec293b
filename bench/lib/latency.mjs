// @ts-check
// Section `latency` of the bench (bench/README.md, "6. Latency"): how well lesson 3's
// total ≈ TTFT + (N − 1) × TPOT predicts a long run from short ones on this machine. Each round, the
// lesson's own timed run (page/latency.ts) makes N = 8, 16, 32, 64 and 128 tokens; a line through
// the median totals at N = 8, 16 and 32 (the page's fitLatencyLine and predictTotalMs, run in the
// page) predicts the median totals at N = 64 and 128, and the error is (predicted − measured) /
// measured. Each round's own prediction and error are printed beside it. Reported, never asserted.
import { TARGETS, formatTable, median, quartiles } from './report.mjs';

/** The lesson's default prompt length (its first 8 tokens: "In the beginning God created"). */
export const PROMPT_TOKENS = 8;
export const FIT_LENGTHS = [8, 16, 32];
export const PREDICTED_LENGTHS = [64, 128];

/** @param {number} x */
const r3 = (x) => +x.toFixed(3);

/**
 * @param {{ page: import('playwright-core').Page, rounds: number, say: (s: string) => void }} o
 */
export async function measureLatency({ page, rounds, say }) {
	const { backend } = await page.evaluate(() => /** @type {any} */ (window).__bench.loadRuntime());
	const lengths = [...FIT_LENGTHS, ...PREDICTED_LENGTHS];
	const run = (/** @type {number} */ n) =>
		page.evaluate(([p, k]) => /** @type {any} */ (window).__bench.latencyRun(p, k), [PROMPT_TOKENS, n]);
	say(`latency: lesson 3's timed run, ${PROMPT_TOKENS}-token prompt, N = ${lengths.join(', ')}, ${rounds} rounds`);
	await run(FIT_LENGTHS[0]); // warm-up: the first passes after loading pay one-off costs

	/** @type {Record<number, number[]>} */
	const errors = Object.fromEntries(PREDICTED_LENGTHS.map((n) => [n, []]));
	/** @type {Record<number, number[]>} */
	const totals = Object.fromEntries(lengths.map((n) => [n, []]));
	/** @type {Set<string>} */
	const reasons = new Set();
	/** @type {number[]} */
	const runsTtft = [];
	for (let round = 0; round < rounds; round++) {
		// Rotate the order so no length always runs first (or last) in a round.
		const order = lengths.map((_, i) => lengths[(i + round) % lengths.length]);
		/** @type {Record<number, any>} */
		const byN = {};
		for (const n of order) {
			const r = await run(n);
			if (r.newTokens !== n) throw new Error(`latency: asked for ${n} tokens, the run made ${r.newTokens}`);
			byN[n] = r;
			reasons.add(r.reason);
			totals[n].push(r.totalMs);
			runsTtft.push(r.ttftMs);
		}
		const fit = await page.evaluate(
			([runs, ns]) => /** @type {any} */ (window).__bench.latencyPredict(runs, ns),
			/** @type {const} */ ([
				FIT_LENGTHS.map((n) => ({ outputTokens: n, ttftMs: byN[n].ttftMs, totalMs: byN[n].totalMs })),
				PREDICTED_LENGTHS,
			]),
		);
		PREDICTED_LENGTHS.forEach((n, i) => errors[n].push((fit.predictedMs[i] - byN[n].totalMs) / byN[n].totalMs));
	}
	// The target's figure: a line through the median totals at N = 8, 16 and 32 predicts the median
	// totals at 64 and 128. Medians over rounds, because on a shared machine one stalled run is not
	// a property of the formula; each round's own prediction is printed beside it.
	const medianOf = (/** @type {number} */ n) => median(totals[n]);
	const fastestOf = (/** @type {number} */ n) => Math.min(...totals[n]);
	/** A line through one total per short length, and its predictions for the long ones. @param {(n: number) => number} totalAt */
	const predictWith = (totalAt) =>
		page.evaluate(
			([runs, ns]) => /** @type {any} */ (window).__bench.latencyPredict(runs, ns),
			/** @type {const} */ ([
				FIT_LENGTHS.map((n) => ({ outputTokens: n, ttftMs: Math.min(...runsTtft, totalAt(n)), totalMs: totalAt(n) })),
				PREDICTED_LENGTHS,
			]),
		);
	const overall = await predictWith(medianOf);
	// The same from each length's fastest run: what the formula does when nothing else interferes.
	const fastest = await predictWith(fastestOf);
	const perRound = (/** @type {number[]} */ xs) => {
		const [q1, q3] = quartiles(xs);
		return { median: r3(median(xs)), quartiles: [r3(q1), r3(q3)], values: xs.map(r3) };
	};
	return {
		backend,
		promptTokens: PROMPT_TOKENS,
		rounds,
		fitLengths: FIT_LENGTHS,
		reasons: [...reasons],
		fit: { ttftMs: r3(overall.ttftMs), tpotMs: r3(overall.tpotMs), rSquared: r3(overall.rSquared) },
		totalsMs: Object.fromEntries(lengths.map((n) => [n, r3(medianOf(n))])),
		fastestMs: Object.fromEntries(lengths.map((n) => [n, r3(fastestOf(n))])),
		fastestFit: { ttftMs: r3(fastest.ttftMs), tpotMs: r3(fastest.tpotMs), rSquared: r3(fastest.rSquared) },
		error: Object.fromEntries(
			PREDICTED_LENGTHS.map((n, i) => [
				n,
				{
					predictedMs: r3(overall.predictedMs[i]),
					value: r3((overall.predictedMs[i] - medianOf(n)) / medianOf(n)),
					fastest: r3((fastest.predictedMs[i] - fastestOf(n)) / fastestOf(n)),
					perRound: perRound(errors[n]),
				},
			]),
		),
	};
}

/** @param {number} x */
const pct = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}%` : 'n/a');

/** The printed section. @param {any} s the result of measureLatency */
export function latencyLines(s) {
	const be = s.backend?.backend ?? '?';
	return [
		'',
		`6. Latency (lesson 3): the lesson's timed run (stream loop in the runtime worker, greedy, past EOS), backend ${be}, ${s.backend?.threads ?? '?'} thread(s)`,
		`Prompt ${s.promptTokens} tokens; each round makes N = ${Object.keys(s.totalsMs).join(', ')} (order rotated), fits total ≈ TTFT + (N − 1) × TPOT to N = ${s.fitLengths.join(', ')} and predicts the rest; times are the loop's own clock; median of ${s.rounds} rounds after a warm-up; runs stopped by ${s.reasons.join(', ')}`,
		`Line through the median totals at N = ${s.fitLengths.join(', ')}: TTFT ${s.fit.ttftMs.toFixed(2)} ms, TPOT ${s.fit.tpotMs.toFixed(3)} ms, r² ${s.fit.rSquared.toFixed(3)}; through the fastest: TTFT ${s.fastestFit.ttftMs.toFixed(2)} ms, TPOT ${s.fastestFit.tpotMs.toFixed(3)} ms, r² ${s.fastestFit.rSquared.toFixed(3)}; error = (predicted − measured) / measured; each round's own line and error beside it`,
		formatTable(
			[
				'N',
				'backend',
				'median total, ms',
				'predicted, ms',
				'error',
				'fastest, ms',
				'error (fastest)',
				"rounds' errors: median",
				'IQR',
				'each round',
			],
			Object.entries(s.totalsMs).map(([n, total]) => {
				const e = s.error[n];
				const r = e?.perRound;
				return [
					n,
					be,
					Number(total).toFixed(2),
					e ? e.predictedMs.toFixed(2) : '(fitted)',
					e ? pct(e.value) : '',
					Number(s.fastestMs[n]).toFixed(2),
					e ? pct(e.fastest) : '',
					r ? pct(r.median) : '',
					r ? `${pct(r.quartiles[0])} to ${pct(r.quartiles[1])}` : '',
					r ? r.values.map(pct).join(' ') : '',
				];
			}),
		),
	];
}

/**
 * The section's rows of the targets table (issue 11: the prediction within 15% at N = 64 and 128).
 * @param {any} s the result of measureLatency
 */
export function latencyTargetRows(s) {
	const on = s.backend?.backend ?? '?';
	return PREDICTED_LENGTHS.flatMap((n) => [
		{
			measure: `Lesson 3: |prediction error| at N = ${n}, line through the median totals at N = ${s.fitLengths.join('/')} (stream, greedy, past EOS; ${on})`,
			value: Math.abs(s.error[n].value),
			shown: pct(s.error[n].value),
			target: TARGETS.latencyPredictionError,
		},
		{
			measure: `Lesson 3: the same from each length's fastest run (${on})`,
			value: s.error[n].fastest,
			shown: pct(s.error[n].fastest),
			target: TARGETS.info,
		},
	]);
}
