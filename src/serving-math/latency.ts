/**
 * The latency of one request, split the way a model server spends it: one prefill pass, which
 * ends with the first token, then one decode pass per further token.
 *
 *   total ≈ TTFT + (N − 1) × TPOT
 *
 * TPOT follows the BentoML LLM Inference Handbook's definition, (total − TTFT) / (N − 1): the
 * first token's time is TTFT's, so N tokens leave N − 1 gaps. Pure arithmetic on milliseconds,
 * with no clocks and no DOM, so the demo, its charts and the tests share one definition.
 *
 * A quantity that a run cannot define (TPOT of a one-token reply, a rate over zero time, a line
 * through one point) comes back as `{ ok: false, reason }`, never as NaN or Infinity; inputs that
 * cannot be a measurement at all throw ServingMathInputError.
 */
import { requireWholeNumber, ServingMathInputError } from './kv-cache-size';

/** A value the inputs define, or a sentence saying why they do not. */
export type Derived<T> = { ok: true; value: T } | { ok: false; reason: string };

/** What a client can time about one request. */
export interface RequestTiming {
	/** Tokens generated (N), the first included. */
	outputTokens: number;
	/** From sending the request to receiving the first output token. */
	ttftMs: number;
	/** From sending the request to receiving the last output token. */
	totalMs: number;
}

function requireDuration(name: string, value: unknown): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		const got = typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value)}`;
		throw new ServingMathInputError(`${name} must be a finite number of milliseconds ≥ 0, got ${got}.`);
	}
	return value;
}

function requireTiming(run: RequestTiming): RequestTiming {
	if (run === null || typeof run !== 'object') {
		throw new ServingMathInputError('A request timing needs { outputTokens, ttftMs, totalMs }.');
	}
	const outputTokens = requireWholeNumber('outputTokens', run.outputTokens);
	const ttftMs = requireDuration('ttftMs', run.ttftMs);
	const totalMs = requireDuration('totalMs', run.totalMs);
	if (totalMs < ttftMs) {
		throw new ServingMathInputError(
			`totalMs (${totalMs}) cannot be less than ttftMs (${ttftMs}): the first token is part of the request.`,
		);
	}
	return { outputTokens, ttftMs, totalMs };
}

/**
 * The timing of a run from the arrival time of each of its tokens, measured from the request:
 * TTFT is the first, the total the last.
 */
export function timingFromTokenTimes(tokenTimesMs: readonly number[]): RequestTiming {
	if (!Array.isArray(tokenTimesMs) || tokenTimesMs.length === 0) {
		throw new ServingMathInputError('A run needs the arrival time of at least one token.');
	}
	tokenTimesMs.forEach((t, i) => {
		requireDuration(`token ${i + 1}'s time`, t);
		if (i > 0 && t < tokenTimesMs[i - 1]!) {
			throw new ServingMathInputError(
				`Token ${i + 1} arrives at ${t} ms, before token ${i} (${tokenTimesMs[i - 1]} ms).`,
			);
		}
	});
	return { outputTokens: tokenTimesMs.length, ttftMs: tokenTimesMs[0]!, totalMs: tokenTimesMs.at(-1)! };
}

/** TPOT = (total − TTFT) / (N − 1): the mean time of each token after the first. */
export function timePerOutputToken(run: RequestTiming): Derived<number> {
	const { outputTokens, ttftMs, totalMs } = requireTiming(run);
	if (outputTokens === 1) {
		return {
			ok: false,
			reason:
				'One output token has no time per output token: TPOT needs at least two tokens, because the first one’s time is TTFT.',
		};
	}
	return { ok: true, value: (totalMs - ttftMs) / (outputTokens - 1) };
}

/** The predicted total for N output tokens: TTFT + (N − 1) × TPOT. */
export function predictTotalMs(ttftMs: number, tpotMs: number, outputTokens: number): number {
	requireDuration('ttftMs', ttftMs);
	requireDuration('tpotMs', tpotMs);
	const n = requireWholeNumber('outputTokens', outputTokens);
	return ttftMs + (n - 1) * tpotMs;
}

export interface PredictionError {
	predictedMs: number;
	measuredMs: number;
	/** predicted − measured: positive when the prediction was too slow. */
	errorMs: number;
	/** errorMs / measuredMs. */
	relative: Derived<number>;
}

/** How far a predicted total is from the measured one, in milliseconds and relative to the measurement. */
export function predictionError(predictedMs: number, measuredMs: number): PredictionError {
	requireDuration('predictedMs', predictedMs);
	requireDuration('measuredMs', measuredMs);
	const errorMs = predictedMs - measuredMs;
	const relative: Derived<number> =
		measuredMs > 0
			? { ok: true, value: errorMs / measuredMs }
			: { ok: false, reason: 'The measured time is 0 ms, so an error relative to it is undefined.' };
	return { predictedMs, measuredMs, errorMs, relative };
}

/** Tokens per second for `tokens` processed in `ms` milliseconds. */
export function tokensPerSecond(tokens: number, ms: number): Derived<number> {
	const count = requireWholeNumber('tokens', tokens, 0);
	requireDuration('ms', ms);
	if (ms === 0) return { ok: false, reason: `${count} tokens in 0 ms is no measurable time, so there is no rate.` };
	return { ok: true, value: (count * 1000) / ms };
}

/**
 * Prompt tokens per second of the prefill: `promptTokens` processed in `prefillMs`. Pass the
 * prefill pass's own time where the runtime reports it; TTFT also holds tokenizing and picking
 * the first token, so it gives a slightly lower rate.
 */
export function prefillTokensPerSecond(promptTokens: number, prefillMs: number): Derived<number> {
	return tokensPerSecond(requireWholeNumber('promptTokens', promptTokens), prefillMs);
}

/** Output tokens per second of the decode phase: N − 1 tokens in total − TTFT, that is 1000 / TPOT. */
export function decodeTokensPerSecond(run: RequestTiming): Derived<number> {
	const { outputTokens, ttftMs, totalMs } = requireTiming(run);
	if (outputTokens === 1)
		return { ok: false, reason: 'One output token has no decode phase: the prefill produced it.' };
	return tokensPerSecond(outputTokens - 1, totalMs - ttftMs);
}

export interface Point {
	x: number;
	y: number;
}

export interface Line {
	slope: number;
	intercept: number;
	/** Share of the variance in y the line explains, 0 to 1; 1 when every y is equal (nothing to explain). */
	rSquared: number;
	points: number;
}

/**
 * Ordinary least squares: the line y = intercept + slope × x with the smallest sum of squared
 * vertical distances to the points. A line needs two different x values; with fewer the result
 * says so and gives the mean y, the one thing such points do determine.
 */
export function fitLine(points: readonly Point[]): Derived<Line> & { meanY?: number } {
	if (!Array.isArray(points)) throw new ServingMathInputError('fitLine needs an array of { x, y } points.');
	points.forEach((p, i) => {
		if (p === null || typeof p !== 'object' || !Number.isFinite(p.x) || !Number.isFinite(p.y)) {
			throw new ServingMathInputError(`Point ${i + 1} must have finite x and y, got ${JSON.stringify(p)}.`);
		}
	});
	const n = points.length;
	if (n === 0) return { ok: false, reason: 'There are no points to fit a line to.' };
	const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
	const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
	// Centred sums: the raw-sum formula loses precision when x or y is large next to its spread.
	let sxx = 0;
	let sxy = 0;
	let syy = 0;
	for (const { x, y } of points) {
		sxx += (x - meanX) ** 2;
		sxy += (x - meanX) * (y - meanY);
		syy += (y - meanY) ** 2;
	}
	if (sxx === 0) {
		const reason =
			n === 1
				? `One point (x = ${points[0]!.x}) does not determine a line: measure at least two different x values.`
				: `All ${n} points have x = ${points[0]!.x}, so they do not determine a slope: measure at least two different x values.`;
		return { ok: false, reason, meanY };
	}
	const slope = sxy / sxx;
	const intercept = meanY - slope * meanX;
	const rSquared = syy === 0 ? 1 : Math.min(1, Math.max(0, (sxy * sxy) / (sxx * syy)));
	if (![meanY, slope, intercept, rSquared].every(Number.isFinite)) {
		return { ok: false, reason: 'The points are too large to fit a line to in double precision.' };
	}
	return { ok: true, value: { slope, intercept, rSquared, points: n } };
}

export interface LatencyLine {
	/** The slope: milliseconds each extra output token adds. */
	tpotMs: number;
	/** The line's value at N = 1: the time to the first token. */
	ttftMs: number;
	rSquared: number;
	points: number;
}

/**
 * Fits total time against output length over a sweep of runs. The fit is on N − 1, the number of
 * decode passes, so that the intercept is the line's value at N = 1 (TTFT) and the slope is TPOT.
 */
export function fitLatencyLine(runs: readonly RequestTiming[]): Derived<LatencyLine> & { meanTotalMs?: number } {
	if (!Array.isArray(runs)) throw new ServingMathInputError('fitLatencyLine needs an array of request timings.');
	const timings = runs.map(requireTiming);
	const fit = fitLine(timings.map((run) => ({ x: run.outputTokens - 1, y: run.totalMs })));
	if (!fit.ok) {
		const n = timings.length;
		const reason =
			n === 0
				? 'There are no runs to fit a line to.'
				: `${n === 1 ? 'One run' : `All ${n} runs`} at N = ${timings[0]!.outputTokens} cannot show how the total grows with N: run at least two different output lengths.`;
		return fit.meanY === undefined ? { ok: false, reason } : { ok: false, reason, meanTotalMs: fit.meanY };
	}
	const { slope, intercept, rSquared, points } = fit.value;
	return { ok: true, value: { tpotMs: slope, ttftMs: intercept, rSquared, points } };
}

export interface Delivery {
	/** When the reader first sees text, from the request. */
	firstTextMs: number;
	/** When the reader has all of it. */
	finishMs: number;
}

/**
 * The same run delivered two ways. Streamed, each token is sent as it is picked, so text appears
 * at TTFT; buffered, the response is sent once the last token exists, so everything appears at
 * the total. Both finish together: streaming moves the wait, not the work.
 */
export function streamedVsBuffered(tokenTimesMs: readonly number[]): {
	streamed: Delivery;
	buffered: Delivery;
	earlierByMs: number;
} {
	const { ttftMs, totalMs } = timingFromTokenTimes(tokenTimesMs);
	return {
		streamed: { firstTextMs: ttftMs, finishMs: totalMs },
		buffered: { firstTextMs: totalMs, finishMs: totalMs },
		earlierByMs: totalMs - ttftMs,
	};
}
