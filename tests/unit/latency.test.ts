import { describe, expect, it } from 'vitest';
import {
	decodeTokensPerSecond,
	fitLatencyLine,
	fitLine,
	predictionError,
	predictTotalMs,
	prefillTokensPerSecond,
	ServingMathInputError,
	streamedVsBuffered,
	timePerOutputToken,
	timingFromTokenTimes,
	tokensPerSecond,
	type RequestTiming,
} from '../../src/serving-math';

/** Every number a result holds, so one check can rule out NaN and Infinity anywhere in it. */
const numbersIn = (value: unknown): number[] =>
	typeof value === 'number'
		? [value]
		: value && typeof value === 'object'
			? Object.values(value).flatMap(numbersIn)
			: [];
const expectAllFinite = (value: unknown) =>
	expect(numbersIn(value).every(Number.isFinite), JSON.stringify(value)).toBe(true);

describe('timePerOutputToken', () => {
	it('is (total − TTFT) / (N − 1): the first token belongs to TTFT', () => {
		// 10 tokens: the first at 200 ms, then 9 gaps of 30 ms, the last at 470 ms.
		expect(timePerOutputToken({ outputTokens: 10, ttftMs: 200, totalMs: 470 })).toEqual({ ok: true, value: 30 });
		expect(timePerOutputToken({ outputTokens: 2, ttftMs: 50, totalMs: 62.5 })).toEqual({ ok: true, value: 12.5 });
	});

	it('is 0 when every token after the first arrived at once', () => {
		expect(timePerOutputToken({ outputTokens: 5, ttftMs: 40, totalMs: 40 })).toEqual({ ok: true, value: 0 });
	});

	it('has no value for one output token, with a reason instead of NaN', () => {
		const result = timePerOutputToken({ outputTokens: 1, ttftMs: 80, totalMs: 80 });
		expect(result.ok).toBe(false);
		expect(result).toEqual({ ok: false, reason: expect.stringMatching(/at least two tokens.*TTFT/) });
	});

	it('rejects timings that cannot be measurements, naming the field', () => {
		const run: RequestTiming = { outputTokens: 4, ttftMs: 10, totalMs: 40 };
		expect(() => timePerOutputToken({ ...run, outputTokens: 0 })).toThrow(
			'outputTokens must be a positive whole number, got 0.',
		);
		expect(() => timePerOutputToken({ ...run, outputTokens: 2.5 })).toThrow(ServingMathInputError);
		expect(() => timePerOutputToken({ ...run, ttftMs: -1 })).toThrow(
			'ttftMs must be a finite number of milliseconds ≥ 0, got -1.',
		);
		expect(() => timePerOutputToken({ ...run, totalMs: Number.NaN })).toThrow(
			'totalMs must be a finite number of milliseconds ≥ 0, got NaN.',
		);
		expect(() => timePerOutputToken({ ...run, totalMs: Number.POSITIVE_INFINITY })).toThrow(
			/totalMs must be a finite number/,
		);
		expect(() => timePerOutputToken({ ...run, totalMs: 5 })).toThrow(
			'totalMs (5) cannot be less than ttftMs (10): the first token is part of the request.',
		);
		expect(() => timePerOutputToken(null as unknown as RequestTiming)).toThrow(ServingMathInputError);
	});
});

describe('timingFromTokenTimes', () => {
	it('takes TTFT from the first arrival and the total from the last', () => {
		expect(timingFromTokenTimes([120, 150, 185, 215])).toEqual({ outputTokens: 4, ttftMs: 120, totalMs: 215 });
		expect(timingFromTokenTimes([90])).toEqual({ outputTokens: 1, ttftMs: 90, totalMs: 90 });
	});

	it('rejects an empty run and arrivals out of order', () => {
		expect(() => timingFromTokenTimes([])).toThrow('A run needs the arrival time of at least one token.');
		expect(() => timingFromTokenTimes([10, 30, 20])).toThrow('Token 3 arrives at 20 ms, before token 2 (30 ms).');
		expect(() => timingFromTokenTimes([10, Number.NaN])).toThrow(/token 2's time must be a finite number/);
	});
});

describe('predictTotalMs and predictionError', () => {
	it('predicts TTFT + (N − 1) × TPOT', () => {
		expect(predictTotalMs(200, 30, 10)).toBe(470);
		expect(predictTotalMs(200, 30, 128)).toBe(200 + 127 * 30);
	});

	it('predicts TTFT alone for one output token', () => {
		expect(predictTotalMs(80, 30, 1)).toBe(80);
	});

	it('round-trips: the TPOT of a run predicts that run exactly', () => {
		const run = { outputTokens: 33, ttftMs: 123.4, totalMs: 987.6 };
		const tpot = timePerOutputToken(run);
		if (!tpot.ok) throw new Error(tpot.reason);
		expect(predictTotalMs(run.ttftMs, tpot.value, run.outputTokens)).toBeCloseTo(run.totalMs, 9);
	});

	it('gives the error in ms and relative to the measurement, signed so + means predicted too slow', () => {
		expect(predictionError(1100, 1000)).toEqual({
			predictedMs: 1100,
			measuredMs: 1000,
			errorMs: 100,
			relative: { ok: true, value: 0.1 },
		});
		expect(predictionError(450, 500).relative).toEqual({ ok: true, value: -0.1 });
		expect(predictionError(500, 500).relative).toEqual({ ok: true, value: 0 });
	});

	it('has no relative error against a 0 ms measurement', () => {
		const result = predictionError(5, 0);
		expect(result.errorMs).toBe(5);
		expect(result.relative).toEqual({ ok: false, reason: expect.stringContaining('0 ms') });
		expectAllFinite(result);
	});

	it('rejects inputs that are not durations', () => {
		expect(() => predictTotalMs(200, -3, 10)).toThrow('tpotMs must be a finite number of milliseconds ≥ 0, got -3.');
		expect(() => predictTotalMs(200, 30, 0)).toThrow('outputTokens must be a positive whole number, got 0.');
		expect(() => predictionError(Number.NaN, 10)).toThrow(/predictedMs/);
	});
});

describe('tokens per second', () => {
	it('is tokens × 1000 / ms', () => {
		expect(tokensPerSecond(50, 250)).toEqual({ ok: true, value: 200 });
		expect(tokensPerSecond(0, 10)).toEqual({ ok: true, value: 0 });
		expect(() => tokensPerSecond(-1, 10)).toThrow('tokens must be a whole number ≥ 0, got -1.');
	});

	it('has no rate over 0 ms', () => {
		expect(tokensPerSecond(3, 0)).toEqual({ ok: false, reason: expect.stringContaining('0 ms') });
	});

	it('measures prefill as prompt tokens over the prefill time', () => {
		expect(prefillTokensPerSecond(64, 32)).toEqual({ ok: true, value: 2000 });
		expect(() => prefillTokensPerSecond(0, 32)).toThrow('promptTokens must be a positive whole number, got 0.');
	});

	it('measures decode as N − 1 tokens over total − TTFT, which is 1000 / TPOT', () => {
		const run = { outputTokens: 11, ttftMs: 100, totalMs: 300 };
		expect(decodeTokensPerSecond(run)).toEqual({ ok: true, value: 50 });
		const tpot = timePerOutputToken(run);
		expect(tpot.ok && 1000 / tpot.value).toBe(50);
	});

	it('has no decode rate for one token, or when decode took no measurable time', () => {
		expect(decodeTokensPerSecond({ outputTokens: 1, ttftMs: 10, totalMs: 10 })).toEqual({
			ok: false,
			reason: expect.stringContaining('no decode phase'),
		});
		expect(decodeTokensPerSecond({ outputTokens: 4, ttftMs: 10, totalMs: 10 }).ok).toBe(false);
	});
});

describe('fitLine (ordinary least squares)', () => {
	it('recovers an exact line with r² = 1', () => {
		const fit = fitLine([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })));
		expect(fit).toEqual({ ok: true, value: { slope: 2, intercept: 5, rSquared: 1, points: 4 } });
	});

	it('gives the worked least-squares values for scattered points', () => {
		// x̄ = 2.5, ȳ = 3.5, Sxx = 5, Sxy = 4, Syy = 5: slope 0.8, intercept 1.5, r² = 16/25.
		const fit = fitLine([
			{ x: 1, y: 2 },
			{ x: 2, y: 4 },
			{ x: 3, y: 3 },
			{ x: 4, y: 5 },
		]);
		if (!fit.ok) throw new Error(fit.reason);
		expect(fit.value.slope).toBeCloseTo(0.8, 12);
		expect(fit.value.intercept).toBeCloseTo(1.5, 12);
		expect(fit.value.rSquared).toBeCloseTo(0.64, 12);
	});

	it('fits two points exactly', () => {
		expect(
			fitLine([
				{ x: 8, y: 100 },
				{ x: 16, y: 180 },
			]),
		).toEqual({ ok: true, value: { slope: 10, intercept: 20, rSquared: 1, points: 2 } });
	});

	it('gives r² = 1 and slope 0 for points on a flat line, not 0/0', () => {
		const fit = fitLine([1, 2, 3].map((x) => ({ x, y: 0.1 * 3 })));
		expect(fit.ok && fit.value.slope).toBe(0);
		expect(fit.ok && fit.value.rSquared).toBe(1);
		expectAllFinite(fit);
	});

	it('stays precise for large x next to a small spread', () => {
		const fit = fitLine([1e9, 1e9 + 1, 1e9 + 2].map((x) => ({ x, y: 3 * (x - 1e9) + 7 })));
		expect(fit.ok && fit.value.slope).toBeCloseTo(3, 9);
		expect(fit.ok && fit.value.rSquared).toBeCloseTo(1, 12);
	});

	it('says so, instead of returning Infinity or NaN, when the sums overflow', () => {
		const fit = fitLine([
			{ x: -1e200, y: 0 },
			{ x: 1e200, y: 1e300 },
		]);
		expect(fit).toEqual({ ok: false, reason: expect.stringContaining('too large') });
	});

	it('explains why a single point has no line, and gives its y', () => {
		const fit = fitLine([{ x: 16, y: 240 }]);
		expect(fit).toEqual({
			ok: false,
			reason: expect.stringMatching(/^One point \(x = 16\) does not determine a line/),
			meanY: 240,
		});
	});

	it('explains why points that all share one x have no slope, and gives their mean y', () => {
		const fit = fitLine([
			{ x: 32, y: 10 },
			{ x: 32, y: 14 },
			{ x: 32, y: 12 },
		]);
		expect(fit).toEqual({ ok: false, reason: expect.stringMatching(/^All 3 points have x = 32/), meanY: 12 });
		expectAllFinite(fit);
	});

	it('explains an empty sweep, and rejects points that are not numbers', () => {
		expect(fitLine([])).toEqual({ ok: false, reason: 'There are no points to fit a line to.' });
		expect(() => fitLine([{ x: 1, y: Number.NaN }])).toThrow('Point 1 must have finite x and y, got {"x":1,"y":null}.');
		expect(() => fitLine([{ x: 1 } as { x: number; y: number }])).toThrow(ServingMathInputError);
	});
});

describe('fitLatencyLine', () => {
	const sweep = (ttft: number, tpot: number, lengths: number[]) =>
		lengths.map((n) => ({ outputTokens: n, ttftMs: ttft, totalMs: ttft + (n - 1) * tpot }));

	it('reads TTFT as the line at N = 1 and TPOT as its slope, over the lesson’s sweep 8 … 128', () => {
		const fit = fitLatencyLine(sweep(150, 20, [8, 16, 32, 64, 128]));
		if (!fit.ok) throw new Error(fit.reason);
		expect(fit.value.ttftMs).toBeCloseTo(150, 9);
		expect(fit.value.tpotMs).toBeCloseTo(20, 9);
		expect(fit.value.rSquared).toBeCloseTo(1, 12);
		expect(fit.value.points).toBe(5);
	});

	it('averages out noise in the totals', () => {
		const runs = sweep(150, 20, [8, 16, 32, 64, 128]).map((run, i) => ({
			...run,
			totalMs: run.totalMs + (i % 2 ? 6 : -6),
		}));
		const fit = fitLatencyLine(runs);
		if (!fit.ok) throw new Error(fit.reason);
		expect(fit.value.tpotMs).toBeGreaterThan(19.5);
		expect(fit.value.tpotMs).toBeLessThan(20.5);
		expect(fit.value.rSquared).toBeGreaterThan(0.99);
		expect(fit.value.rSquared).toBeLessThan(1);
	});

	it('says a sweep at one output length (or one run, N = 1 included) cannot give a slope', () => {
		const same = fitLatencyLine(sweep(150, 20, [32, 32, 32]));
		expect(same).toEqual({
			ok: false,
			reason: expect.stringMatching(/^All 3 runs at N = 32 .*two different output lengths/),
			meanTotalMs: 770,
		});
		const one = fitLatencyLine([{ outputTokens: 1, ttftMs: 90, totalMs: 90 }]);
		expect(one).toEqual({ ok: false, reason: expect.stringMatching(/^One run at N = 1 /), meanTotalMs: 90 });
		expect(fitLatencyLine([])).toEqual({ ok: false, reason: 'There are no runs to fit a line to.' });
	});

	it('checks every run it is given', () => {
		expect(() => fitLatencyLine([{ outputTokens: 8, ttftMs: 50, totalMs: 10 }])).toThrow(/cannot be less than ttftMs/);
	});
});

describe('streamedVsBuffered', () => {
	it('shows text at TTFT when streamed and at the total when buffered, finishing together', () => {
		expect(streamedVsBuffered([120, 150, 185, 215])).toEqual({
			streamed: { firstTextMs: 120, finishMs: 215 },
			buffered: { firstTextMs: 215, finishMs: 215 },
			earlierByMs: 95,
		});
	});

	it('makes no difference to a one-token reply', () => {
		const result = streamedVsBuffered([90]);
		expect(result.streamed).toEqual(result.buffered);
		expect(result.earlierByMs).toBe(0);
	});
});

describe('the line fit and TPOT at the edges the demo meets', () => {
	it('fits a sweep that includes N = 1: the line passes through that run, whose total is its TTFT', () => {
		const runs: RequestTiming[] = [1, 8, 16].map((n) => ({ outputTokens: n, ttftMs: 40, totalMs: 40 + (n - 1) * 3 }));
		const fit = fitLatencyLine(runs);
		if (!fit.ok) throw new Error(fit.reason);
		expect(fit.value.ttftMs).toBeCloseTo(40, 9);
		expect(fit.value.tpotMs).toBeCloseTo(3, 9);
		expect(timePerOutputToken(runs[0]!).ok).toBe(false);
	});

	it('gives TPOT of a two-token run as the one gap between its tokens', () => {
		expect(timePerOutputToken(timingFromTokenTimes([12, 15.5]))).toEqual({ ok: true, value: 3.5 });
	});

	it('fits runs at equal lengths mixed with another length through the means at each length', () => {
		const fit = fitLatencyLine([
			{ outputTokens: 8, ttftMs: 10, totalMs: 30 },
			{ outputTokens: 8, ttftMs: 10, totalMs: 34 },
			{ outputTokens: 16, ttftMs: 10, totalMs: 60 },
			{ outputTokens: 16, ttftMs: 10, totalMs: 64 },
		]);
		if (!fit.ok) throw new Error(fit.reason);
		// Means 32 at N = 8 and 62 at N = 16: slope 30 / 8, and the line meets N = 1 at 32 − 7 × 3.75.
		expect(fit.value.tpotMs).toBeCloseTo(3.75, 12);
		expect(fit.value.ttftMs).toBeCloseTo(32 - 7 * 3.75, 12);
		expect(fit.value.rSquared).toBeLessThan(1);
	});
});
