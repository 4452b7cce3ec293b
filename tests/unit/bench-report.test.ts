// The bench's pure helpers (bench/lib/report.mjs): statistics, byte accounting, target checks
// and the printed table. The bench itself is `npm run bench`, never part of `npm test`.
import { describe, expect, it } from 'vitest';
import {
	TARGETS,
	classify,
	formatTable,
	gzipSize,
	isRuntimeAsset,
	median,
	meets,
	metLabel,
	pairedRatio,
	positionGrowth,
	quartiles,
	ratio,
	summarizeWeight,
	windowMs,
} from '../../bench/lib/report.mjs';
import { FAR, HALF, NEAR, scalingTargetRows } from '../../bench/lib/scaling.mjs';

describe('bench statistics', () => {
	it('takes the median of odd and even samples without reordering the input', () => {
		const xs = [5, 1, 3];
		expect(median(xs)).toBe(3);
		expect(xs).toEqual([5, 1, 3]);
		expect(median([4, 1, 2, 3])).toBe(2.5);
		expect(median([])).toBeNaN();
	});
	it('pairs each sample with its partner from the same round before taking the median', () => {
		// Load that doubles both contestants in a round cancels out of the paired ratio.
		expect(pairedRatio([2, 4, 2.2], [1, 2, 2])).toBeCloseTo(2);
		expect(pairedRatio([1.1, 2.2, 5.5], [1, 2, 5])).toBeCloseTo(1.1);
		expect(pairedRatio([1, 2], [0, 1])).toBe(2);
		expect(pairedRatio([], [])).toBeNaN();
	});
	it('gives nearest-rank quartiles', () => {
		expect(quartiles([1, 2, 3, 4, 5, 6, 7, 8])).toEqual([2, 6]);
		expect(quartiles([7])).toEqual([7, 7]);
	});
	it('refuses ratios over zero or missing values', () => {
		expect(ratio(3, 2)).toBe(1.5);
		expect(ratio(3, 0)).toBeNaN();
		expect(ratio(NaN, 2)).toBeNaN();
	});
});

describe('bench byte accounting', () => {
	it('counts gzip as the size of a real level-9 gzip stream', () => {
		const text = Buffer.from('token '.repeat(1000));
		const size = gzipSize(text);
		expect(size).toBeLessThan(text.length / 10);
		expect(size).toBeGreaterThan(18); // header + trailer at least
	});
	it('sorts requests by kind, with trailing-slash pages as HTML', () => {
		expect(classify('/lessons/the-autoregressive-loop/')).toBe('html');
		expect(classify('/_astro/page.abc.js')).toBe('js');
		expect(classify('/ort/ort-wasm-simd-threaded.mjs')).toBe('js');
		expect(classify('/_astro/x.css')).toBe('css');
		expect(classify('/ort/ort-wasm-simd-threaded.wasm')).toBe('wasm');
		expect(classify('/ort/ort-wasm-simd-threaded.wasm.zst')).toBe('wasm');
		expect(classify('/models/kjv-gpt-2m/onnx/model_quantized.onnx')).toBe('model');
		expect(classify('/favicon.svg')).toBe('image');
	});
	it('flags every runtime asset that must wait for Run, and nothing of the page', () => {
		for (const p of [
			'/ort/ort-wasm-simd-threaded.wasm',
			'/ort/ort-wasm-simd-threaded.mjs',
			'/_astro/ort.wasm.min-CXyKBLCS.js',
			'/models/kjv-gpt-2m/tokenizer.json',
			'/models/kjv-gpt-2m/onnx/model.onnx',
			'/x/y.wasm',
		]) {
			expect(isRuntimeAsset(p), p).toBe(true);
		}
		for (const p of [
			'/',
			'/lessons/the-autoregressive-loop/',
			'/_astro/RunnableCode.astro_astro_type_script_index_0_lang.D7LuRHDg.js',
			'/_astro/print.css',
			'/favicon.svg',
			'/_astro/sort.js',
		]) {
			expect(isRuntimeAsset(p), p).toBe(false);
		}
	});
	it('sums weight per kind and counts runtime bytes', () => {
		const s = summarizeWeight([
			{ path: '/', raw: 1000, gzip: 300 },
			{ path: '/_astro/a.js', raw: 2000, gzip: 700 },
			{ path: '/_astro/b.js', raw: 500, gzip: 200 },
			{ path: '/ort/x.wasm', raw: 10, gzip: 5 },
		]);
		expect(s.byKind.js).toEqual({ count: 2, raw: 2500, gzip: 900 });
		expect(s.total).toEqual({ raw: 3510, gzip: 1205 });
		expect(s.runtimeBytes).toBe(10);
		expect(s.count).toBe(4);
	});
});

describe('bench targets and table', () => {
	it('checks each kind of target and says n/a for missing values', () => {
		expect(meets(49_999, TARGETS.lessonJsGzip)).toBe(true);
		expect(meets(50_001, TARGETS.lessonJsGzip)).toBe(false);
		expect(meets(0, TARGETS.runtimeBytesBeforeRun)).toBe(true);
		expect(meets(1, TARGETS.runtimeBytesBeforeRun)).toBe(false);
		expect(meets(95, TARGETS.lighthousePerformance)).toBe(true);
		expect(meets(1.16, TARGETS.dOverC)).toBe(false);
		expect(meets(0.35, TARGETS.cOverB)).toBe(true);
		expect(meets(601, TARGETS.coldStartMs)).toBe(false);
		expect(meets(NaN, TARGETS.cOverA)).toBeNull();
		expect(meets(2.5, TARGETS.info)).toBeNull();
		expect([true, false, null].map(metLabel)).toEqual(['yes', 'NO', '-']);
	});
	it('pads columns under a rule', () => {
		const t = formatTable(
			['measure', 'value'],
			[
				['(c)/(a)', '1.050'],
				['x', 2],
			],
		);
		expect(t.split('\n')).toEqual(['measure  value', '-------  -----', '(c)/(a)  1.050', 'x        2']);
	});
});

describe('bench scaling entries (lessons 2 and 5)', () => {
	// One pass per position from `from` to `to`, costing cost(position) ms.
	const passes = (from: number, to: number, cost: (p: number) => number) =>
		Array.from({ length: to - from + 1 }, (_, i) => ({ position: from + i, ms: cost(from + i) }));

	it('takes the median pass of a window, so one slow pass does not move it', () => {
		const ps = passes(0, 20, () => 1);
		ps[10]!.ms = 50;
		expect(windowMs(ps, 10, 2)).toEqual({ ms: 1, count: 5 });
		expect(windowMs(ps, 20, 2)).toEqual({ ms: 1, count: 3 });
		expect(windowMs([], 10, 2).ms).toBeNaN();
	});
	it('compares the pass at position 200 with the one at 10, and refuses a run that stopped short', () => {
		expect(
			positionGrowth(
				passes(3, 204, (p) => p + 1),
				NEAR,
				FAR,
				HALF,
			),
		).toBeCloseTo(201 / 11);
		expect(
			positionGrowth(
				passes(3, 204, () => 2),
				NEAR,
				FAR,
				HALF,
			),
		).toBe(1);
		// Ended (EOS) at position 201: the window around 200 is incomplete.
		expect(
			positionGrowth(
				passes(3, 201, () => 2),
				NEAR,
				FAR,
				HALF,
			),
		).toBeNaN();
		// A prompt so long that position 8 was the prefill: no decode pass there.
		expect(
			positionGrowth(
				passes(9, 204, () => 2),
				NEAR,
				FAR,
				HALF,
			),
		).toBeNaN();
	});
	it("checks the issues' targets: naive at least 3×, cached at most 1.5×, B=8 at least 3× B=1", () => {
		expect(meets(3, TARGETS.naiveGrowth)).toBe(true);
		expect(meets(2.9, TARGETS.naiveGrowth)).toBe(false);
		expect(meets(1.5, TARGETS.cachedGrowth)).toBe(true);
		expect(meets(1.6, TARGETS.cachedGrowth)).toBe(false);
		expect(meets(3.2, TARGETS.batchSpeedup)).toBe(true);
		expect(meets(2.5, TARGETS.batchSpeedup)).toBe(false);
	});
	it('gives the three target rows naming the loop and backend, n/a where a figure is missing, and the raw loop beside them as information', () => {
		const rows = scalingTargetRows({
			backend: { backend: 'wasm', threads: 1 },
			position: {
				near: 10,
				far: 200,
				naive: { loop: "generate, mode 'naive'", growth: 7.25 },
				cached: { loop: 'stream (cached)', growth: NaN },
				raw: { loop: 'raw session.run, same tokens', growth: 2 },
			},
			batch: { speedup: 3.5, rawSpeedup: 2.125 },
		});
		expect(rows.map((r) => [r.measure, r.shown, r.target.text, meets(r.value, r.target)])).toEqual([
			["Lesson 2: naive pass at position 200 over position 10 (generate, mode 'naive'; wasm)", '7.25×', '≥ 3', true],
			['Lesson 2: cached pass at position 200 over position 10 (stream (cached); wasm)', 'n/a', '≤ 1.5', null],
			["Lesson 2: the same tokens' pass at 200 over 10 in a raw session.run loop (wasm)", '2.00×', '-', null],
			['Lesson 5: batched tokens/s at B=8 over B=1 (batched, cached, greedy; wasm)', '3.50×', '≥ 3', true],
			['Lesson 5: the same tokens at B=8 over B=1 in a raw session.run loop (wasm)', '2.13×', '-', null],
		]);
	});
});

describe('Lighthouse CPU calibration', () => {
	it("follows Lighthouse's throttling table for a mid-tier mobile target", async () => {
		const { cpuMultiplierFor } = await import('../../bench/lib/report.mjs');
		expect(cpuMultiplierFor(1800)).toBe(4);
		expect(cpuMultiplierFor(1200)).toBe(2);
		expect(cpuMultiplierFor(850)).toBe(2);
		expect(cpuMultiplierFor(250)).toBe(1);
		expect(cpuMultiplierFor(NaN)).toBe(4);
	});
});
