/**
 * What the demo says about one finished run: its measured TTFT, TPOT and total, the total that
 * TTFT + (N − 1) × TPOT predicts from *earlier* runs, and the error between them. A run's own TPOT
 * predicts its own total exactly, so the prediction must come from somewhere else: the output-length
 * sweep's fitted line when there is one, otherwise the runs before this one.
 */
import {
	decodeTokensPerSecond,
	fitLatencyLine,
	predictionError,
	predictTotalMs,
	prefillTokensPerSecond,
	timePerOutputToken,
	timingFromTokenTimes,
	type Derived,
	type LatencyLine,
	type PredictionError,
	type RequestTiming,
} from '../../serving-math/latency';

/** What the loop reported about one run, as plain numbers. */
export interface MeasuredRun {
	promptTokens: number;
	/** The prefill pass's own time, ms. */
	prefillMs: number;
	/** When each output token existed, ms from the start of the loop (model already loaded). */
	tokenTimesMs: number[];
}

export interface Basis {
	ttftMs: number;
	tpotMs: number;
	/** Where the two numbers came from, in words. */
	from: string;
}

export interface RunReport {
	timing: RequestTiming;
	tpot: Derived<number>;
	prediction: Derived<PredictionError & { basis: Basis }>;
	prefillRate: Derived<number>;
	decodeRate: Derived<number>;
}

const median = (xs: number[]): number => {
	const s = xs.slice().sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * TTFT and TPOT to predict with: the sweep's line if given, else a line fitted to the earlier runs
 * (two different lengths at least), else their median TTFT and median TPOT.
 */
export function predictionBasis(earlier: readonly RequestTiming[], sweepLine?: LatencyLine): Derived<Basis> {
	if (sweepLine) {
		return {
			ok: true,
			value: {
				ttftMs: Math.max(0, sweepLine.ttftMs),
				tpotMs: Math.max(0, sweepLine.tpotMs),
				from: `the output-length sweep's line (${sweepLine.points} runs)`,
			},
		};
	}
	if (earlier.length === 0) {
		return { ok: false, reason: 'No earlier run to predict from yet: run again, or run the sweep below.' };
	}
	const line = fitLatencyLine(earlier);
	if (line.ok && line.value.tpotMs >= 0 && line.value.ttftMs >= 0) {
		return {
			ok: true,
			value: { ...line.value, from: `a line through your ${earlier.length} earlier runs` },
		};
	}
	const tpots = earlier.map(timePerOutputToken).flatMap((t) => (t.ok ? [t.value] : []));
	if (tpots.length === 0) {
		return {
			ok: false,
			reason: 'The earlier runs each made one token, so they give no TPOT to predict with: run a longer output.',
		};
	}
	return {
		ok: true,
		value: {
			ttftMs: median(earlier.map((r) => r.ttftMs)),
			tpotMs: median(tpots),
			from: `the median TTFT and TPOT of your ${earlier.length} earlier ${earlier.length === 1 ? 'run' : 'runs'}`,
		},
	};
}

export function reportRun(run: MeasuredRun, basis: Derived<Basis>): RunReport {
	const timing = timingFromTokenTimes(run.tokenTimesMs);
	const prediction: RunReport['prediction'] = basis.ok
		? {
				ok: true,
				value: {
					...predictionError(
						predictTotalMs(basis.value.ttftMs, basis.value.tpotMs, timing.outputTokens),
						timing.totalMs,
					),
					basis: basis.value,
				},
			}
		: basis;
	return {
		timing,
		tpot: timePerOutputToken(timing),
		prediction,
		prefillRate: prefillTokensPerSecond(run.promptTokens, run.prefillMs),
		decodeRate: decodeTokensPerSecond(timing),
	};
}

/** The stream loop's events as the demo reads them (structural, so no runtime type is needed). */
type StreamEventLike =
	| { step: 'prefill'; promptTokens: number; ms: number }
	| { step: 'token'; atMs: number; generatedText: string }
	| { step: 'done'; reason: string; generatedText: string }
	| { step: string };

export interface FinishedRun extends MeasuredRun {
	reason: string;
	generatedText: string;
	/** The generated text as it stood after each token: what a streamed client had shown. */
	textAfterToken: string[];
}

/** A stream run's figures from its events, once its 'done' event is among them; else undefined. */
export function finishedRun(events: readonly StreamEventLike[]): FinishedRun | undefined {
	const done = events.at(-1);
	if (!done || done.step !== 'done' || !('reason' in done)) return undefined;
	const prefill = events.find((e): e is Extract<StreamEventLike, { step: 'prefill' }> => e.step === 'prefill');
	const tokens = events.filter((e): e is Extract<StreamEventLike, { step: 'token' }> => e.step === 'token');
	const tokenTimesMs = tokens.map((e) => e.atMs);
	if (!prefill || tokenTimesMs.length === 0) return undefined;
	return {
		promptTokens: prefill.promptTokens,
		prefillMs: prefill.ms,
		tokenTimesMs,
		reason: done.reason,
		generatedText: done.generatedText,
		textAfterToken: tokens.map((e) => e.generatedText),
	};
}
