import { describe, expect, it } from 'vitest';
import {
	compareRows,
	firstDifference,
	median,
	parseBatchSize,
	plot,
	pointOf,
	rowsForBatch,
	withPoint,
} from '../../src/components/runnable/batch-sweep';
import type { BatchedStats } from '../../src/runtime/loops/batched-events';

describe('B as the reader types it', () => {
	it('takes a whole number from 1 to 16', () => {
		expect(parseBatchSize('4', 2)).toEqual({ size: 4 });
		expect(parseBatchSize(' 16 ', 2)).toEqual({ size: 16 });
	});
	it('says what it used instead of an out-of-range, fractional, empty or non-numeric B', () => {
		expect(parseBatchSize('0', 4)).toEqual({ size: 1, problem: 'B must be a whole number from 1 to 16; using 1.' });
		expect(parseBatchSize('40', 4)).toEqual({ size: 16, problem: 'B must be a whole number from 1 to 16; using 16.' });
		expect(parseBatchSize('2.6', 4)).toEqual({ size: 3, problem: 'B must be a whole number from 1 to 16; using 3.' });
		expect(parseBatchSize('', 4)).toEqual({ size: 4, problem: 'B was empty; using 4.' });
		expect(parseBatchSize('lots', 4)).toEqual({ size: 4, problem: 'B must be a number; using 4.' });
	});
});

describe('the rows of a batch of B', () => {
	const defaults = ['a', 'b', 'c'];
	it('keeps the reader’s rows and fills the rest from the page’s prompts, cycling when B outgrows them', () => {
		expect(rowsForBatch(['x'], defaults, 3)).toEqual(['x', 'b', 'c']);
		expect(rowsForBatch(['x', 'y', 'z', 'w'], defaults, 2)).toEqual(['x', 'y']);
		expect(rowsForBatch([], defaults, 5)).toEqual(['a', 'b', 'c', 'a', 'b']);
		// An empty line is the reader's empty prompt, kept as a row (the runtime says it starts from the start token).
		expect(rowsForBatch(['', 'y'], defaults, 2)).toEqual(['', 'y']);
	});
});

const stats = (over: Partial<BatchedStats>): BatchedStats => ({
	rows: 4,
	forwardPasses: 4,
	perStepMs: [9, 2, 4, 3],
	timeToFirstTokenMs: 9,
	totalMs: 20,
	newTokens: 12,
	tokensPerSecond: 600,
	perRowTokensPerSecond: 250,
	paddingTokens: 5,
	kvBytes: 0,
	...over,
});

describe('a point of the chart', () => {
	it('takes the median decode step (the first pass also reads the prompts) and the run’s rates', () => {
		expect(pointOf(stats({}))).toEqual({
			rows: 4,
			stepMs: 3,
			totalTokensPerSecond: 600,
			perUserTokensPerSecond: 250,
			newTokens: 12,
			paddingTokens: 5,
			passes: 4,
		});
		expect(pointOf(stats({ perStepMs: [7], forwardPasses: 1 })).stepMs).toBe(7);
		expect(median([])).toBe(0);
		expect(median([4, 1, 3, 2])).toBe(2.5);
	});
	it('keeps one point per B, the latest, in order of B', () => {
		const a = pointOf(stats({ rows: 4 }));
		const b = pointOf(stats({ rows: 1 }));
		const c = pointOf(stats({ rows: 4, tokensPerSecond: 900 }));
		expect(withPoint(withPoint(withPoint([], a), b), c).map((p) => [p.rows, p.totalTokensPerSecond])).toEqual([
			[1, 600],
			[4, 900],
		]);
	});
	it('sits on a log-2 axis of B from 1 to 16, the value from the bottom up', () => {
		const box = { width: 100, height: 50, pad: 10 };
		const at = plot(
			[
				{ rows: 1, value: 0 },
				{ rows: 4, value: 5 },
				{ rows: 16, value: 10 },
			],
			box,
		);
		expect(at.map((p) => [p.x, p.y])).toEqual([
			[10, 40],
			[50, 25],
			[90, 10],
		]);
	});
});

describe('rows against their prompts run alone', () => {
	it('finds where a row first differs, including a row that is a prefix of the other', () => {
		expect(firstDifference([1, 2, 3], [1, 2, 3])).toBe(-1);
		expect(firstDifference([1, 2, 3], [1, 5, 3])).toBe(1);
		expect(firstDifference([1, 2], [1, 2, 3])).toBe(2);
	});
	it('says every row matches, or which rows differ and from which token', () => {
		expect(compareRows([[1], [2, 3], [4]], [[1], [2, 3], [4]])).toEqual({
			same: true,
			differing: [],
			text: 'All 3 rows equal what each prompt makes run alone (B = 1).',
		});
		expect(compareRows([[1]], [[1]]).text).toBe('The row equals what its prompt makes run alone (B = 1).');
		expect(compareRows([[1], [2, 3], [4, 5]], [[1], [2, 9], [4]])).toEqual({
			same: false,
			differing: [1, 2],
			text: '2 rows of 3 differ from their prompts run alone: row 2 (from token 2), row 3 (from token 2).',
		});
	});
});
