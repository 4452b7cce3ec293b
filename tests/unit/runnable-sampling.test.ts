// Lesson 4's demo parts, DOM-free: the settings fields (temperature 0 is greedy), one step's
// candidates through each stage on hand-made logits, the seed's draw replayed, repeats found in a
// reply, and choosing time beside forward time.
import { describe, expect, it } from 'vitest';
import { chooseTime, describeShare } from '../../src/components/runnable/choose-time';
import { markRepeats } from '../../src/components/runnable/repeat-marks';
import { readSamplingFields, shownTemperature } from '../../src/components/runnable/sampling-form';
import { formatPercent, stageTable, uAt } from '../../src/components/runnable/stage-table';
import type { ReaderSettings } from '../../src/components/runnable/settings';
import { Sampler, mulberry32 } from '../../src/runtime/sampling';

const defaults: ReaderSettings = {
	prompt: 'Jesus said unto them,',
	maxNewTokens: 30,
	mode: 'cached',
	strategy: 'sample',
	temperature: 0.8,
	topK: 40,
	topP: 0.9,
	seed: 42,
};

describe('the sampling fields', () => {
	it('temperature 0 is greedy, and the field shows 0', () => {
		const { settings, problems } = readSamplingFields({ temperature: '0' }, defaults);
		expect(problems).toEqual([]);
		expect(settings.strategy).toBe('greedy');
		expect(shownTemperature(settings)).toBe(0);
	});

	it('keeps usable values as typed', () => {
		const { settings, problems } = readSamplingFields(
			{ temperature: '1.5', topK: '0', topP: '1', seed: '7', maxNewTokens: '12', prompt: 'Behold, I' },
			defaults,
		);
		expect(problems).toEqual([]);
		expect(settings).toMatchObject({
			strategy: 'sample',
			temperature: 1.5,
			topK: 0,
			topP: 1,
			seed: 7,
			maxNewTokens: 12,
		});
	});

	it('replaces out-of-range and non-numeric values with the value used, and says which field', () => {
		const { settings, problems } = readSamplingFields(
			{ temperature: '-1', topK: '2.5', topP: '1.5', seed: 'abc' },
			defaults,
		);
		expect(settings).toMatchObject({ strategy: 'greedy', temperature: 0, topK: 3, topP: 1, seed: 42 });
		expect(problems).toEqual([
			'Temperature must be 0 (greedy) or from 0.05 to 2; using 0 (greedy).',
			'Top-k must be a whole number from 0 to 2048; using 3.',
			'Top-p must be from 0.01 to 1; using 1.',
			'Seed must be a number; using 42.',
		]);
		expect(readSamplingFields({ temperature: '0.01' }, defaults).problems).toEqual([
			'Temperature must be 0 (greedy) or from 0.05 to 2; using 0.05.',
		]);
		expect(readSamplingFields({ temperature: '9' }, defaults).settings.temperature).toBe(2);
		expect(readSamplingFields({ temperature: '' }, defaults).problems).toEqual(['Temperature was empty; using 0.8.']);
		expect(readSamplingFields({ temperature: Number.NaN }, defaults).problems).toEqual([
			'Temperature must be a number; using 0.8.',
		]);
	});
});

// The six made-up tokens of the lesson's figure.
const LOGITS = Float32Array.from([3.0, 2.4, 2.0, 1.2, 0.8, 0.2]);
const CANDIDATES = [' the', ' LORD', ' God'].map((token, id) => ({ id, token }));

describe('one step through each stage', () => {
	it('renormalises after each cut and says which tokens are cut', () => {
		const t = stageTable(LOGITS, CANDIDATES, { temperature: 0.7, topK: 4, topP: 0.9, seed: 1 }, 0);
		expect(t.columns.map((c) => [c.heading, c.kept, c.applied])).toEqual([
			['Model', 6, true],
			['Temperature 0.7', 6, true],
			['Top-k 4', 4, true],
			['Top-p 0.9', 3, true],
		]);
		const last = t.rows.map((r) => r.cells[3]!);
		// By hand: e^(3/0.7) = 72.66, e^(2.4/0.7) = 30.83, e^(2/0.7) = 17.41, over their sum 120.90.
		expect(last.map((c) => formatPercent(c.prob))).toEqual(['60.1%', '25.5%', '14.4%']);
		expect(last.every((c) => !c.cut)).toBe(true);
		// The three tokens outside the rows: one survives top-k, none survives top-p.
		expect(t.rest.count).toBe(3);
		expect(t.rest.cells.map((c) => c.kept)).toEqual([3, 3, 1, 0]);
		expect(t.rest.cells[3]!.prob).toBe(0);
		for (const stage of [0, 1, 2, 3]) {
			const sum = t.rows.reduce((s, r) => s + r.cells[stage]!.prob, 0) + t.rest.cells[stage]!.prob;
			expect(sum).toBeCloseTo(1, 12);
		}
	});

	it('marks a token cut by top-k as cut in every later stage', () => {
		const t = stageTable(LOGITS, CANDIDATES, { temperature: 1, topK: 2, topP: 1, seed: 1 }, 0);
		expect(t.rows[2]!.cells.map((c) => c.cut)).toEqual([false, false, true, true]);
		expect(t.columns.map((c) => c.heading)).toEqual(['Model', 'Temperature 1', 'Top-k 2', 'Top-p: off']);
		expect(t.columns.map((c) => c.applied)).toEqual([true, false, true, false]);
	});

	it('top-k 0 and top-k ≥ the vocabulary are off; temperature 0 is greedy and keeps the top token only', () => {
		for (const topK of [0, 6, 99])
			expect(stageTable(LOGITS, CANDIDATES, { temperature: 1, topK, topP: 1, seed: 1 }, 0).columns[2]).toMatchObject({
				heading: 'Top-k: off',
				kept: 6,
			});
		const greedy = stageTable(LOGITS, CANDIDATES, { temperature: 0, topK: 40, topP: 0.5, seed: 1 }, 3);
		expect(greedy.columns.map((c) => c.heading)).toEqual([
			'Model',
			'Temperature 0 (greedy)',
			'Top-k: not used',
			'Top-p: not used',
		]);
		expect(greedy.rows[0]!.cells[1]).toEqual({ prob: 1, cut: false });
		expect(greedy.rows[1]!.cells[1]!.cut).toBe(true);
		expect(greedy.draw).toEqual({ id: 0, u: null });
	});

	it("replays the run's draw: u is the seed's number for that step, and lands where the Sampler's draw does", () => {
		const logits = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 3);
		const candidates = [0, 1, 2].map((id) => ({ id, token: String(id) }));
		const settings = { temperature: 1.3, topK: 20, topP: 0.8, seed: 1234 };
		const sampler = new Sampler(64, { strategy: 'sample', ...settings });
		const stream = mulberry32(1234);
		for (let step = 0; step < 10; step++) {
			const picked = sampler.select(logits).id;
			const t = stageTable(logits, candidates, settings, step);
			expect(t.draw.u).toBe(stream());
			expect(t.draw.id, `step ${step}`).toBe(picked);
		}
		expect(uAt(1234, 0)).toBe(mulberry32(1234)());
	});

	it('formats probabilities so a survivor never reads as 0%', () => {
		expect(formatPercent(0)).toBe('0%');
		expect(formatPercent(0.0004)).toBe('< 0.1%');
		expect(formatPercent(0.4567)).toBe('45.7%');
	});
});

describe('repeats in a reply', () => {
	const chips = (prompt: number[], generated: number[]) => [
		...prompt.map((id) => ({ id, token: `p${id}`, generated: false })),
		...generated.map((id) => ({ id, token: ` ${id}`, generated: true })),
	];

	it('outlines each run of 4 or more repeated tokens and names the loop the text ends in', () => {
		// " 1 2 3 4 1 2 3 4 1 2 3 4": after the first copy, the rest repeats it, and the text loops every 4.
		const r = markRepeats(chips([9], [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]));
		expect(r.generated).toBe(12);
		expect(r.pieces).toEqual([
			{ text: ' 1 2 3 4' },
			{ text: ' 1 2 3 4 1 2 3 4', repeat: { n: 1, source: 1, length: 8 } },
		]);
		expect(r.repeatedTokens).toBe(8);
		expect(r.loop).toEqual({ text: ' 1 2 3 4', period: 4, repeats: 3 });
	});

	it('finds nothing in text without a repeat of 4 tokens, and ignores repeats inside the prompt', () => {
		const r = markRepeats(chips([5, 6, 7, 8, 5, 6, 7, 8], [1, 2, 3, 1, 2, 4]));
		expect(r.pieces).toEqual([{ text: ' 1 2 3 1 2 4' }]);
		expect(r.repeatedTokens).toBe(0);
		expect(r.loop).toBeNull();
	});

	it('counts a generated run that repeats the prompt', () => {
		const r = markRepeats(chips([5, 6, 7, 8], [0, 5, 6, 7, 8]));
		expect(r.pieces[1]).toEqual({ text: ' 5 6 7 8', repeat: { n: 1, source: 0, length: 4 } });
	});
});

describe('choosing against computing', () => {
	it('pairs each pass with its choice and sums the steps timed on both sides', () => {
		const t = chooseTime([10, 4, 4], [0.1, 0.02]);
		expect(t.rows).toEqual([
			{ step: 1, forwardMs: 10, selectMs: 0.1 },
			{ step: 2, forwardMs: 4, selectMs: 0.02 },
			{ step: 3, forwardMs: 4, selectMs: undefined },
		]);
		expect(t.steps).toBe(2);
		expect(t.forwardTotal).toBe(14);
		expect(t.selectTotal).toBeCloseTo(0.12);
		expect(describeShare(t)).toBe('choosing took 0.9% as long as the forward passes');
		expect(describeShare(chooseTime([], []))).toBe('');
	});
});
