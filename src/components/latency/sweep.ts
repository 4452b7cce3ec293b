/**
 * The two sweeps of lesson 3's demo, without the DOM or the runtime: which runs to make, one point
 * per length (the median of a few rounds, so one slow pass from other work on the device does not
 * bend the line), and what the fitted line says, in words.
 */
import {
	fitLatencyLine,
	fitLine,
	timePerOutputToken,
	timingFromTokenTimes,
	type Derived,
	type LatencyLine,
	type Line,
	type RequestTiming,
} from '../../serving-math/latency';
import { ms as formatMs } from './format';
import type { MeasuredRun } from './prediction';

/** Output lengths of the output sweep (prompt fixed). */
export const OUTPUT_LENGTHS = [8, 16, 32, 64, 128] as const;
/** Prompt lengths of the prompt sweep (output fixed at PROMPT_SWEEP_OUTPUT). */
export const PROMPT_LENGTHS = [8, 32, 64, 128, 192] as const;
export const PROMPT_SWEEP_OUTPUT = 8;
export const ROUNDS = 3;

export type RunOne = (promptTokens: number, outputTokens: number) => Promise<MeasuredRun>;

export interface SweepPoint {
	/** The length swept: output tokens (N) or prompt tokens. */
	length: number;
	run: MeasuredRun;
	timing: RequestTiming;
}

/**
 * Runs one warm-up (the first pass after loading pays one-off costs), then `rounds` runs per
 * length, the lengths interleaved so that slow moments spread over all of them; each length's
 * point is its median-total run. `onPoint` hears each length as its last round finishes.
 */
export async function runSweep(
	pairs: ReadonlyArray<{ length: number; promptTokens: number; outputTokens: number }>,
	runOne: RunOne,
	onPoint: (point: SweepPoint, done: number) => void,
	rounds = ROUNDS,
	signal?: AbortSignal,
): Promise<SweepPoint[]> {
	const first = pairs[0];
	if (!first) return [];
	await runOne(first.promptTokens, first.outputTokens);
	const byLength = pairs.map(() => [] as MeasuredRun[]);
	const points: SweepPoint[] = [];
	for (let round = 0; round < rounds; round++) {
		for (const [i, p] of pairs.entries()) {
			signal?.throwIfAborted();
			byLength[i]!.push(await runOne(p.promptTokens, p.outputTokens));
			if (round === rounds - 1) {
				const point = medianPoint(p.length, byLength[i]!);
				points.push(point);
				onPoint(point, points.length);
			}
		}
	}
	return points;
}

function medianPoint(length: number, runs: MeasuredRun[]): SweepPoint {
	const timed = runs.map((run) => ({ run, timing: timingFromTokenTimes(run.tokenTimesMs) }));
	timed.sort((a, b) => a.timing.totalMs - b.timing.totalMs);
	const mid = timed[(timed.length - 1) >> 1]!;
	return { length, ...mid };
}

export const outputSweepPairs = (promptTokens: number) =>
	OUTPUT_LENGTHS.map((n) => ({ length: n, promptTokens, outputTokens: n }));
export const promptSweepPairs = () =>
	PROMPT_LENGTHS.map((p) => ({ length: p, promptTokens: p, outputTokens: PROMPT_SWEEP_OUTPUT }));

/** The output sweep's line, and its label: "TTFT ≈ 3.1 ms, TPOT ≈ 1.2 ms, r² = 0.998". */
export function describeOutputLine(points: readonly SweepPoint[]): Derived<LatencyLine> & { label: string } {
	const fit = fitLatencyLine(points.map((p) => p.timing));
	if (!fit.ok) return { ...fit, label: fit.reason };
	const { ttftMs, tpotMs, rSquared } = fit.value;
	return { ...fit, label: `TTFT ≈ ${formatMs(ttftMs)}, TPOT ≈ ${formatMs(tpotMs)}, r² = ${rSquared.toFixed(3)}` };
}

/**
 * The prompt sweep's line of TTFT against prompt tokens, and its slope beside the decode time of
 * one output token (the median TPOT of the same runs).
 */
export function describePromptLine(points: readonly SweepPoint[]): Derived<Line> & {
	label: string;
	perPromptTokenMs?: number;
	tpotMs?: number;
} {
	const fit = fitLine(points.map((p) => ({ x: p.run.promptTokens, y: p.timing.ttftMs })));
	if (!fit.ok) return { ok: false, reason: fit.reason, label: fit.reason };
	const tpots = points
		.map((p) => timePerOutputToken(p.timing))
		.flatMap((t) => (t.ok ? [t.value] : []))
		.sort((a, b) => a - b);
	const tpotMs = tpots[(tpots.length - 1) >> 1];
	const slope = fit.value.slope;
	const label =
		`Each extra prompt token adds ≈ ${formatMs(slope)} to TTFT (r² = ${fit.value.rSquared.toFixed(3)})` +
		(tpotMs === undefined
			? '.'
			: `; each extra output token adds ≈ ${formatMs(tpotMs)} (TPOT)${slope > 0 ? `, about ${Math.round(tpotMs / slope)} times as much` : ''}.`);
	return { ...fit, label, perPromptTokenMs: slope, ...(tpotMs === undefined ? {} : { tpotMs }) };
}
