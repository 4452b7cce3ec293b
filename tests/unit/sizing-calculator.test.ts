import { describe, expect, it } from 'vitest';
import { parseNumberField } from '../../src/components/sizing-calculator/fields';
import { calculatorView, DEFAULT_STATE, FIGURES, numberRules } from '../../src/components/sizing-calculator/view';

const rules = numberRules('llama-3-8b');

describe('parseNumberField', () => {
	it('reads numbers as people write them', () => {
		expect(parseNumberField('8,192', rules.contextTokens, 1)).toEqual({ value: 8192 });
		expect(parseNumberField(' 16 ', rules.users, 1)).toEqual({ value: 16 });
		expect(parseNumberField('$2.50', rules.pricePerGpuHour, 1)).toEqual({ value: 2.5 });
		expect(parseNumberField('1e3', rules.users, 1)).toEqual({ value: 1000 });
	});

	it('keeps the previous value for empty or non-numeric text, and says so', () => {
		expect(parseNumberField('', rules.users, 8)).toEqual({ value: 8, message: 'Concurrent users is empty; using 8.' });
		expect(parseNumberField('lots', rules.users, 8)).toEqual({ value: 8, message: '“lots” is not a number; using 8.' });
		expect(parseNumberField('12abc', rules.users, 8).value).toBe(8);
		expect(parseNumberField('Infinity', rules.users, 8).value).toBe(8);
		expect(parseNumberField('<b>2</b>', rules.users, 8).message).toBe('“<b>2</b>” is not a number; using 8.');
	});

	it('clamps zero or negative users and prices to the least that means something', () => {
		expect(parseNumberField('0', rules.users, 8)).toEqual({
			value: 1,
			message: 'Concurrent users must be at least 1; using 1.',
		});
		expect(parseNumberField('-5', rules.users, 8).value).toBe(1);
		expect(parseNumberField('0', rules.pricePerGpuHour, 2)).toEqual({
			value: 0.01,
			message: 'Price per GPU-hour must be at least $0.01; using $0.01.',
		});
		expect(parseNumberField('-1', rules.pricePerGpuHour, 2).value).toBe(0.01);
	});

	it('caps absurd context lengths at the model’s own, naming the source', () => {
		expect(parseNumberField('1000000000', rules.contextTokens, 8192)).toEqual({
			value: 8192,
			message:
				'Context cap can be at most 8,192 tokens. Llama-3-8B was built for 8,192 positions (max_position_embeddings in its config.json). Using 8,192 tokens.',
		});
		expect(parseNumberField('1e400', rules.contextTokens, 4096).value).toBe(4096);
	});

	it('rounds fractions of whole-number fields', () => {
		expect(parseNumberField('2.6', rules.users, 8)).toEqual({
			value: 3,
			message: 'Concurrent users must be a whole number; using 3.',
		});
	});
});

describe('calculatorView', () => {
	const finite = (text: string) => !/NaN|Infinity|undefined/.test(text);

	it('shows the worked values for the default configuration', () => {
		const view = calculatorView(DEFAULT_STATE);
		expect(view.fits).toBe(true);
		expect(view.figures.weights.value).toBe('16.06 GB');
		expect(view.figures.weights.working).toBe('8,030,261,248 parameters × 2 B (bf16)');
		expect(view.figures.kvPerToken.value).toBe('131,072 B');
		expect(view.figures.kvInFlight.value).toBe('8.59 GB');
		expect(view.figures.maxSequences.value).toBe('59');
		expect(view.figures.stepFloor.working).toBe('24.65 GB ÷ 3.35 TB/s');
		expect(view.figures.stepFloor.value).toBe('7.36 ms');
		expect(view.summary).toMatch(
			/^Llama-3-8B \(bf16 weights, bf16 KV\) on one NVIDIA H100 SXM, 8 users at 8,192 tokens: fits with 55.35 GB left/,
		);
	});

	it('at one user and one token of context gives the brief’s 4.8 ms floor', () => {
		const view = calculatorView({ ...DEFAULT_STATE, users: 1, contextTokens: 1 });
		expect(view.figures.stepFloor.value).toBe('4.79 ms');
		expect(view.summary).toContain('1 user at 1 token:');
		expect(view.figures.tokensTotal.working).toBe('1 token ÷ 4.79 ms');
		expect(view.chart.points[0]!.labelText).toBe('1 user (yours)');
	});

	it('says by how much a model does not fit, and shows no speed or price for it', () => {
		const view = calculatorView({ ...DEFAULT_STATE, modelId: 'llama-3-70b', users: 1 });
		expect(view.fits).toBe(false);
		expect(view.verdict).toBe(
			'Does not fit: the weights alone need 141.11 GB of the GPU’s 80 GB, 63.79 GB too much with the caches.',
		);
		expect(view.figures.memoryLeft.value).toBe('63.79 GB short');
		for (const key of ['stepFloor', 'tokensPerUser', 'tokensTotal', 'tokensPerHour', 'costPerMillion'] as const) {
			expect(view.figures[key].value).toBe('does not fit');
		}
		expect(view.chart.points).toEqual([]);
		expect(view.chart.description).toBe('Nothing to plot: the weights alone do not fit on this GPU.');
	});

	it('fits Llama-3-70B on one H100 in fp8, and says how many users fit when too many are asked for', () => {
		const view = calculatorView({ ...DEFAULT_STATE, modelId: 'llama-3-70b', weightDtype: 'fp8', users: 100 });
		expect(view.fits).toBe(false);
		expect(view.verdict).toMatch(/^Does not fit: .* short\. At most 3 users fit at this context cap\.$/);
		expect(view.chart.points.map((p) => p.users)).toEqual([1, 2, 3]);
		expect(view.chart.description).toMatch(/Your 100 users do not fit, so the curve stops at 3\.$/);
	});

	it('never shows NaN or Infinity, whatever the inputs the fields allow', () => {
		for (const users of [1, 59, 1_000_000]) {
			for (const contextTokens of [1, 8192]) {
				for (const pricePerGpuHour of [0.01, 1000]) {
					for (const gpuId of ['h100-sxm', 'l4'] as const) {
						const view = calculatorView({
							...DEFAULT_STATE,
							users,
							contextTokens,
							pricePerGpuHour,
							gpuId,
							kvDtype: 'fp8',
							weightDtype: 'int8',
						});
						const texts = [
							view.summary,
							view.verdict,
							view.chart.description,
							view.chart.path,
							...FIGURES.flatMap((k) => [view.figures[k].value, view.figures[k].working]),
						];
						for (const text of texts) expect(finite(text), text).toBe(true);
						for (const p of view.chart.points) expect(Number.isFinite(p.x) && Number.isFinite(p.y)).toBe(true);
					}
				}
			}
		}
	});

	it('marks the reader’s point and keeps the chart inside its plot', () => {
		const { chart } = calculatorView(DEFAULT_STATE);
		expect(chart.points.filter((p) => p.current).map((p) => p.users)).toEqual([8]);
		for (const p of chart.points) {
			expect(p.x).toBeGreaterThanOrEqual(chart.plot.left);
			expect(p.x).toBeLessThanOrEqual(chart.plot.right);
			expect(p.y).toBeGreaterThanOrEqual(chart.plot.top);
			expect(p.y).toBeLessThanOrEqual(chart.plot.bottom);
		}
		expect(chart.xTicks[0]!.label).toBe('$0.00');
		expect(chart.yTicks).toHaveLength(5);
	});
});

// Lesson 7's "What to try" quotes these figures; they are the calculator's, at $2 a GPU-hour.
describe('the figures lesson 7 quotes', () => {
	const figures = (state: Partial<typeof DEFAULT_STATE>) => calculatorView({ ...DEFAULT_STATE, ...state }).figures;
	const values = (state: Partial<typeof DEFAULT_STATE>, keys: (typeof FIGURES)[number][]) =>
		keys.map((key) => figures(state)[key].value);

	it('add users: 1 to 59 users of Llama-3-8B on the H100, and 60 do not fit', () => {
		const keys = ['tokensPerUser', 'tokensTotal', 'costPerMillion'] as const;
		expect(DEFAULT_STATE.pricePerGpuHour).toBe(2);
		expect(values({ users: 1 }, [...keys])).toEqual(['196 tokens/s', '196 tokens/s', '$2.84']);
		expect(values({ users: 59 }, [...keys])).toEqual(['42.2 tokens/s', '2,490 tokens/s', '$0.22']);
		expect(calculatorView({ ...DEFAULT_STATE, users: 60 }).fits).toBe(false);
	});

	it('shorten the context cap, halve the KV cache, try the 24 GB card and the 70B model', () => {
		expect(figures({ contextTokens: 2048 }).maxSequences.value).toBe('238');
		expect(figures({ kvDtype: 'fp8' }).maxSequences.value).toBe('119');
		expect(values({ gpuId: 'l4', users: 1 }, ['maxSequences', 'stepFloor'])).toEqual(['7', '57.1 ms']);
		expect(figures({ modelId: 'llama-3-70b' }).weights.value).toBe('141.11 GB');
		expect(values({ modelId: 'llama-3-70b', weightDtype: 'fp8', users: 1 }, ['weights', 'maxSequences'])).toEqual([
			'70.55 GB',
			'3',
		]);
	});
});
