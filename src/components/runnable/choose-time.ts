/** Each step's forward pass beside the time spent choosing its token, and both summed. Pure. */

export interface ChooseTimeRow {
	/** 1-based step (the token it produced). */
	step: number;
	forwardMs: number;
	selectMs: number | undefined;
}

export interface ChooseTime {
	rows: ChooseTimeRow[];
	forwardTotal: number;
	selectTotal: number;
	/** Steps timed on both sides (the totals cover only those). */
	steps: number;
}

export function chooseTime(forwardMs: readonly number[], selectMs: readonly number[]): ChooseTime {
	const rows = forwardMs.map((ms, i) => ({ step: i + 1, forwardMs: ms, selectMs: selectMs[i] }));
	const both = rows.filter((r) => r.selectMs !== undefined);
	return {
		rows,
		forwardTotal: both.reduce((sum, r) => sum + r.forwardMs, 0),
		selectTotal: both.reduce((sum, r) => sum + r.selectMs!, 0),
		steps: both.length,
	};
}

/** "choosing took 0.4% of the time of the forward passes", or "" before a step is timed. */
export function describeShare(t: ChooseTime): string {
	if (!t.steps || t.forwardTotal <= 0) return '';
	const share = (t.selectTotal / t.forwardTotal) * 100;
	const shown = share >= 10 ? share.toFixed(0) : share >= 0.1 ? share.toFixed(1) : '< 0.1';
	return `choosing took ${shown}% as long as the forward passes`;
}
