/**
 * Lesson 5's batch sizes, what one finished batched run adds to the chart, and a batch's rows
 * checked against each prompt run alone. Pure: no DOM, no runtime (the panels in parts/ use it).
 */
import type { BatchedStats } from '../../runtime/loops/batched-events';
import { plural } from './settings';

/** The batch sizes the sweep runs, in order. */
export const SWEEP_SIZES = [1, 2, 4, 8, 16] as const;
export const BATCH_LIMITS = { min: 1, max: 16 } as const;

/** The reader's B, or the value used instead and why. */
export function parseBatchSize(raw: string, fallback: number): { size: number; problem?: string } {
	const { min, max } = BATCH_LIMITS;
	const text = raw.trim();
	const n = text === '' ? Number.NaN : Number(text);
	if (!Number.isFinite(n))
		return { size: fallback, problem: `B ${text === '' ? 'was empty' : 'must be a number'}; using ${fallback}.` };
	const size = Math.min(max, Math.max(min, Math.round(n)));
	if (size !== n) return { size, problem: `B must be a whole number from ${min} to ${max}; using ${size}.` };
	return { size };
}

/**
 * The prompt rows for a batch of `size`: the reader's rows as far as they go, then the page's
 * defaults for the rows after them, so changing B keeps what the reader typed.
 */
export function rowsForBatch(current: readonly string[], defaults: readonly string[], size: number): string[] {
	return Array.from({ length: size }, (_, i) => current[i] ?? defaults[i % Math.max(1, defaults.length)] ?? '');
}

/** One point of the chart: one finished run of B rows, measured on the reader's device. */
export interface BatchPoint {
	rows: number;
	/** Median time of a decode step (every pass after the first, which also reads the prompt), ms. */
	stepMs: number;
	/** New tokens of all rows over the run's busy time. */
	totalTokensPerSecond: number;
	/** What one user sees: each row's tokens over the time to its last token, averaged over rows. */
	perUserTokensPerSecond: number;
	newTokens: number;
	/** Pad tokens fed over all passes. */
	paddingTokens: number;
	passes: number;
}

export function median(xs: readonly number[]): number {
	if (!xs.length) return 0;
	const s = [...xs].sort((a, b) => a - b);
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function pointOf(stats: BatchedStats): BatchPoint {
	const steps = stats.perStepMs.length > 1 ? stats.perStepMs.slice(1) : stats.perStepMs;
	return {
		rows: stats.rows,
		stepMs: median(steps),
		totalTokensPerSecond: stats.tokensPerSecond,
		perUserTokensPerSecond: stats.perRowTokensPerSecond,
		newTokens: stats.newTokens,
		paddingTokens: stats.paddingTokens,
		passes: stats.forwardPasses,
	};
}

/** The chart's points, one per B (a newer run of the same B replaces the older), by B. */
export function withPoint(points: readonly BatchPoint[], point: BatchPoint): BatchPoint[] {
	return [...points.filter((p) => p.rows !== point.rows), point].sort((a, b) => a.rows - b.rows);
}

/** A row's tokens against the same prompt run alone (B = 1): where they first differ, or -1. */
export function firstDifference(batch: readonly number[], alone: readonly number[]): number {
	const n = Math.min(batch.length, alone.length);
	for (let i = 0; i < n; i++) if (batch[i] !== alone[i]) return i;
	return batch.length === alone.length ? -1 : n;
}

export interface RowsVerdict {
	same: boolean;
	/** 0-based rows that differ from their prompt run alone. */
	differing: number[];
	text: string;
}

export function compareRows(batch: readonly (readonly number[])[], alone: readonly (readonly number[])[]): RowsVerdict {
	const differing = batch.map((ids, r) => firstDifference(ids, alone[r] ?? [])).flatMap((at, r) => (at < 0 ? [] : [r]));
	const b = batch.length;
	if (!differing.length) {
		const all = b === 1 ? 'The row equals' : b === 2 ? 'Both rows equal' : `All ${b} rows equal`;
		return {
			same: true,
			differing,
			text: `${all} what ${b === 1 ? 'its prompt makes' : 'each prompt makes'} run alone (B = 1).`,
		};
	}
	const which = differing.map((r) => {
		const at = firstDifference(batch[r]!, alone[r] ?? []);
		return `row ${r + 1} (from token ${at + 1})`;
	});
	return {
		same: false,
		differing,
		text: `${plural(differing.length, 'row')} of ${b} differ${differing.length === 1 ? 's' : ''} from ${differing.length === 1 ? 'its prompt' : 'their prompts'} run alone: ${which.join(', ')}.`,
	};
}

/** Where each point sits on a chart of `width` × `height`: B on a log-2 axis, the value from 0 up. */
export function plot(
	values: readonly { rows: number; value: number }[],
	{ width, height, pad }: { width: number; height: number; pad: number },
): { x: number; y: number; rows: number; value: number }[] {
	const top = Math.max(...values.map((v) => v.value), 1e-9);
	const span = Math.log2(BATCH_LIMITS.max);
	return values.map(({ rows, value }) => ({
		rows,
		value,
		x: pad + (Math.log2(rows) / span) * (width - 2 * pad),
		y: height - pad - (value / top) * (height - 2 * pad),
	}));
}
