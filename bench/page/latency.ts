/**
 * The in-page half of the latency entries (bench/run.mjs, section `latency`): lesson 3's own timed
 * run, the function its sweeps call (`timedStreamRun` in runtime-adapter.ts): the stream loop in
 * the runtime worker, greedy, past the stop token, timed by the loop's own clock.
 */
import { timedStreamRun } from '../../src/components/runnable/runtime-adapter';
import { promptOfLength } from '../../src/components/latency/passage';
import { fitLatencyLine, predictTotalMs } from '../../src/serving-math/latency';

export interface LatencyRun {
	promptTokens: number;
	newTokens: number;
	ttftMs: number;
	totalMs: number;
	prefillMs: number;
	reason: string;
}

export async function latencyRun(promptTokens: number, maxNewTokens: number): Promise<LatencyRun> {
	const run = await timedStreamRun(promptOfLength(promptTokens), maxNewTokens);
	return {
		promptTokens: run.promptTokens,
		newTokens: run.tokenTimesMs.length,
		ttftMs: run.tokenTimesMs[0]!,
		totalMs: run.tokenTimesMs.at(-1)!,
		prefillMs: run.prefillMs,
		reason: run.reason,
	};
}

/**
 * The lesson's line through short runs and its prediction for longer ones: the page's own
 * fitLatencyLine and predictTotalMs, so the bench checks the arithmetic the lesson shows.
 */
export function latencyPredict(
	runs: Array<{ outputTokens: number; ttftMs: number; totalMs: number }>,
	lengths: number[],
): { ttftMs: number; tpotMs: number; rSquared: number; predictedMs: number[] } {
	const fit = fitLatencyLine(runs);
	if (!fit.ok) throw new Error(`latency: ${fit.reason}`);
	const { ttftMs, tpotMs, rSquared } = fit.value;
	return {
		ttftMs,
		tpotMs,
		rSquared,
		predictedMs: lengths.map((n) => predictTotalMs(Math.max(0, ttftMs), Math.max(0, tpotMs), n)),
	};
}
