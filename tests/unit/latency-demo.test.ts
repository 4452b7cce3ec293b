// Lesson 3's demo logic without the DOM: the lengths form, the prompts cut from the passage (checked
// against the shipped tokenizer), predictions from earlier runs, the sweeps and the charts' geometry.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TextCodec } from '../../src/runtime/tokenizer';
import { readLengths } from '../../src/components/latency/lengths';
import { PASSAGE, PASSAGE_TOKENS, promptOfLength, TOKEN_ENDS } from '../../src/components/latency/passage';
import { finishedRun, predictionBasis, reportRun } from '../../src/components/latency/prediction';
import { niceStep, scatterGeometry } from '../../src/components/latency/scatter-geometry';
import { timelineGeometry } from '../../src/components/latency/timeline-geometry';
import { ms, signedPercent } from '../../src/components/latency/format';
import {
	describeOutputLine,
	describePromptLine,
	OUTPUT_LENGTHS,
	outputSweepPairs,
	runSweep,
	type SweepPoint,
} from '../../src/components/latency/sweep';
import { timingFromTokenTimes } from '../../src/serving-math/latency';

const model = (file: string) =>
	JSON.parse(readFileSync(new URL(`../../public/models/kjv-gpt-2m/${file}`, import.meta.url), 'utf8'));

describe('the passage the prompts are cut from', () => {
	it('has, for every k, a prefix that the shipped tokenizer splits into exactly k tokens', () => {
		const codec = new TextCodec(model('tokenizer.json'), model('tokenizer_config.json'));
		const ids = codec.encode(PASSAGE);
		expect(ids).toHaveLength(PASSAGE_TOKENS);
		for (let k = 1; k <= PASSAGE_TOKENS; k++)
			expect(codec.encode(promptOfLength(k)), `k = ${k}`).toEqual(ids.slice(0, k));
		expect(TOKEN_ENDS.at(-1)).toBe(PASSAGE.length);
	});

	it('starts with the default prompt, and refuses a length it does not have', () => {
		expect(promptOfLength(8)).toBe('In the beginning God created');
		expect(() => promptOfLength(0)).toThrow(RangeError);
		expect(() => promptOfLength(PASSAGE_TOKENS + 1)).toThrow(/1 to \d+ tokens/);
	});
});

describe('readLengths', () => {
	const fallback = { promptTokens: 8, outputTokens: 32 };
	it('takes whole numbers that fit the context as they are', () => {
		expect(readLengths({ promptTokens: '100', outputTokens: '156' }, fallback)).toEqual({
			lengths: { promptTokens: 100, outputTokens: 156 },
			problems: [],
		});
	});

	it('replaces an empty or non-numeric field with the default and says so', () => {
		expect(readLengths({ promptTokens: '', outputTokens: Number.NaN }, fallback)).toEqual({
			lengths: fallback,
			problems: ['Prompt length was empty; using 8.', 'Output length must be a number; using 32.'],
		});
		expect(readLengths({ promptTokens: 'ten', outputTokens: '4' }, fallback).problems).toEqual([
			'Prompt length must be a number; using 8.',
		]);
	});

	it('rounds and clamps, naming the range', () => {
		const { lengths, problems } = readLengths({ promptTokens: '0', outputTokens: '2.5' }, fallback);
		expect(lengths).toEqual({ promptTokens: 1, outputTokens: 3 });
		expect(problems[0]).toBe('Prompt length must be a whole number of tokens from 1 to 255; using 1.');
		expect(problems[1]).toMatch(/^Output length must be a whole number of tokens from 1 to 255; using 3\.$/);
	});

	it('cuts the output so that prompt + output fit the 256-token context, and says why', () => {
		const { lengths, problems } = readLengths({ promptTokens: '200', outputTokens: '128' }, fallback);
		expect(lengths).toEqual({ promptTokens: 200, outputTokens: 56 });
		expect(problems).toEqual([
			"A 200-token prompt plus 128 output tokens does not fit the model's 256-token context; using 56 output tokens.",
		]);
	});
});

const run = (times: number[], promptTokens = 8, prefillMs = 2) => ({ promptTokens, prefillMs, tokenTimesMs: times });

describe('predicting a run from earlier ones', () => {
	it('has nothing to predict from before the first run', () => {
		const basis = predictionBasis([]);
		expect(basis.ok).toBe(false);
		const report = reportRun(run([5, 6, 7]), basis);
		expect(report.prediction).toEqual(basis);
		expect(report.tpot).toEqual({ ok: true, value: 1 });
	});

	it('uses the median TTFT and TPOT of earlier runs of one length, and gives the error', () => {
		const earlier = [run([4, 6, 8]), run([6, 8, 10])].map((r) => timingFromTokenTimes(r.tokenTimesMs));
		const basis = predictionBasis(earlier);
		if (!basis.ok) throw new Error(basis.reason);
		expect(basis.value).toMatchObject({ ttftMs: 5, tpotMs: 2 });
		// N = 5: 5 + 4 × 2 = 13 predicted against 10 measured: 3 ms (+30%) too slow.
		const report = reportRun(run([2, 4, 6, 8, 10]), basis);
		if (!report.prediction.ok) throw new Error(report.prediction.reason);
		expect(report.prediction.value).toMatchObject({ predictedMs: 13, measuredMs: 10, errorMs: 3 });
		expect(report.prediction.value.relative).toEqual({ ok: true, value: 0.3 });
	});

	it('fits a line when the earlier runs have two lengths, and prefers the sweep’s line', () => {
		const earlier = [timingFromTokenTimes([3, 4]), timingFromTokenTimes([3, 4, 5, 6, 7])];
		expect(predictionBasis(earlier)).toMatchObject({ ok: true, value: { ttftMs: 3, tpotMs: 1 } });
		const line = { ttftMs: 10, tpotMs: 0.5, rSquared: 0.99, points: 5 };
		expect(predictionBasis(earlier, line)).toMatchObject({ ok: true, value: { ttftMs: 10, tpotMs: 0.5 } });
	});

	it('says why one-token runs give no TPOT to predict with, and reports rates', () => {
		const basis = predictionBasis([timingFromTokenTimes([3])]);
		expect(basis).toEqual({ ok: false, reason: expect.stringMatching(/one token/) });
		const report = reportRun(run([3], 100, 4), basis);
		expect(report.tpot.ok).toBe(false);
		expect(report.decodeRate.ok).toBe(false);
		expect(report.prefillRate).toEqual({ ok: true, value: 25_000 });
	});
});

describe('finishedRun', () => {
	it('reads a stream run from its events once the done event is last', () => {
		const events = [
			{ step: 'encode' },
			{ step: 'prefill', promptTokens: 3, ms: 1.5 },
			{ step: 'token', atMs: 2, generatedText: ' And' },
			{ step: 'decode' },
			{ step: 'token', atMs: 3, generatedText: ' And God' },
		];
		expect(finishedRun(events)).toBeUndefined();
		expect(finishedRun([...events, { step: 'done', reason: 'max_new', generatedText: ' And God' }])).toEqual({
			promptTokens: 3,
			prefillMs: 1.5,
			tokenTimesMs: [2, 3],
			reason: 'max_new',
			generatedText: ' And God',
			textAfterToken: [' And', ' And God'],
		});
	});
});

describe('the sweeps', () => {
	const fakeRun = (ttft: number, tpot: number) => async (promptTokens: number, n: number) =>
		run(
			Array.from({ length: n }, (_, i) => ttft + promptTokens * 0.01 + i * tpot),
			promptTokens,
		);

	it('warms up once, then gives one point per length, in order, each the median of the rounds', async () => {
		const calls: number[] = [];
		const totals = [9, 7, 8];
		let round = 0;
		const seen: number[] = [];
		const points = await runSweep(
			outputSweepPairs(8),
			async (p, n) => {
				calls.push(n);
				const extra = calls.length > 1 && n === 8 ? totals[round++]! : 0;
				return run([extra + 1, ...Array.from({ length: n - 1 }, (_, i) => extra + 2 + i)], p);
			},
			(_, done) => seen.push(done),
		);
		expect(calls).toHaveLength(1 + 3 * OUTPUT_LENGTHS.length);
		expect(points.map((p) => p.length)).toEqual([...OUTPUT_LENGTHS]);
		expect(seen).toEqual([1, 2, 3, 4, 5]);
		// N = 8's rounds were 9, 7 and 8 ms slower: its point is the middle one.
		expect(points[0]!.timing.ttftMs).toBe(9);
	});

	it('labels the output line with TTFT, TPOT and r², and the prompt line with ms per prompt token beside TPOT', async () => {
		const out = await runSweep(outputSweepPairs(8), fakeRun(5, 2), () => {});
		const line = describeOutputLine(out);
		expect(line.ok).toBe(true);
		expect(line.label).toBe('TTFT ≈ 5.08 ms, TPOT ≈ 2.00 ms, r² = 1.000');
		const prompts: SweepPoint[] = await runSweep(
			[8, 108].map((p) => ({ length: p, promptTokens: p, outputTokens: 8 })),
			fakeRun(5, 2),
			() => {},
		);
		expect(describePromptLine(prompts).label).toBe(
			'Each extra prompt token adds ≈ 0.010 ms to TTFT (r² = 1.000); each extra output token adds ≈ 2.00 ms (TPOT), about 200 times as much.',
		);
		expect(describeOutputLine(out.slice(0, 1))).toMatchObject({
			ok: false,
			label: expect.stringMatching(/^One run at N = 8/),
		});
	});

	it('stops between runs when aborted', async () => {
		const abort = new AbortController();
		let n = 0;
		const sweep = runSweep(
			outputSweepPairs(8),
			async (p, k) => {
				if (++n === 3) abort.abort();
				return run(
					Array.from({ length: k }, (_, i) => i + 1),
					p,
				);
			},
			() => {},
			3,
			abort.signal,
		);
		await expect(sweep).rejects.toThrow();
		expect(n).toBe(3);
	});
});

describe('chart geometry', () => {
	it('picks round tick steps', () => {
		expect([niceStep(128), niceStep(9.3), niceStep(0.42), niceStep(0)]).toEqual([50, 5, 0.2, 1]);
	});

	it('puts each point in the plot and the line from N = 0 to the last point, axes from 0', () => {
		const g = scatterGeometry(
			[
				{ x: 8, y: 10 },
				{ x: 128, y: 130 },
			],
			{ slope: 1, intercept: 2 },
		);
		const { left, top, width, height, right, bottom } = g.frame;
		expect(g.points).toHaveLength(2);
		for (const p of g.points) {
			expect(p.cx).toBeGreaterThanOrEqual(left);
			expect(p.cx).toBeLessThanOrEqual(width - right);
			expect(p.cy).toBeGreaterThanOrEqual(top);
			expect(p.cy).toBeLessThanOrEqual(height - bottom);
		}
		expect(g.line!.x1).toBe(left);
		expect(g.line!.x2).toBe(g.points[1]!.cx);
		expect(g.xTicks[0]).toEqual({ value: 0, at: left });
		expect(g.yTicks[0]!.value).toBe(0);
		expect(g.yTicks.at(-1)!.value).toBeGreaterThanOrEqual(130);
	});

	it('draws streamed text from TTFT and buffered text at the total, on one axis', () => {
		const g = timelineGeometry([10, 20, 30, 40], 400);
		const [streamed, buffered] = g.rows;
		expect(streamed).toMatchObject({ waitTo: 100, textFrom: 100, textTo: 400, firstTextMs: 10, finishMs: 40 });
		expect(buffered).toMatchObject({ waitTo: 400, textFrom: 400, textTo: 400, firstTextMs: 40, finishMs: 40 });
		expect(g.tokenTicks).toEqual([100, 200, 300, 400]);
		expect(g.earlierByMs).toBe(30);
	});
});

describe('formats', () => {
	it('keeps the digits a sub-millisecond pass has, and signs percentages', () => {
		expect([ms(0.0234), ms(2.345), ms(12.34), ms(345.6)]).toEqual(['0.023 ms', '2.35 ms', '12.3 ms', '346 ms']);
		// A prediction's error can be negative: the same minus sign as the percentage beside it.
		expect([ms(-25.5), ms(-0.5), ms(-0.0001), ms(-345.6)]).toEqual(['−25.5 ms', '−0.50 ms', '−0.00010 ms', '−346 ms']);
		expect([signedPercent(0.042), signedPercent(-0.113), signedPercent(0)]).toEqual(['+4.2%', '−11%', '+0.0%']);
	});
});
