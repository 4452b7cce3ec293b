/**
 * One step's candidates through each sampling stage (the model, temperature, top-k, top-p), as a
 * table a panel draws. Pure and cheap: it reruns the runtime's own processors on the logits the
 * step already produced, so a control can move while the run is paused and no model runs again.
 */
import type { Candidate } from '../../runtime/events';
import { drawToken, mulberry32, samplingStages, type StageName } from '../../runtime/sampling';

/** The settings the table is drawn for: temperature 0 is greedy. */
export interface StageChoice {
	temperature: number;
	topK: number;
	topP: number;
	seed: number;
}

export interface StageColumn {
	name: StageName;
	heading: string;
	/** Tokens (of the whole vocabulary) that survive this stage. */
	kept: number;
	/** False when the setting is off, or greedy skips it: the column repeats the one before. */
	applied: boolean;
}

export interface StageCell {
	/** Probability after this stage, renormalised over the survivors; 0 when cut. */
	prob: number;
	/** Ruled out by this stage or an earlier one. */
	cut: boolean;
}

export interface StageRow {
	id: number;
	token: string;
	cells: StageCell[];
}

export interface StageTable {
	vocabSize: number;
	columns: StageColumn[];
	/** The step's top candidates, most likely first. */
	rows: StageRow[];
	/** Every other token: how many survive each stage, and their probability together. */
	rest: { count: number; cells: Array<{ prob: number; kept: number }> };
	/** What these settings pick at this step: greedy's argmax (u null), or where the seed's u lands. */
	draw: { id: number; u: number | null };
}

/** The `iteration`-th number (0-based) a run seeded with `seed` draws: one a sampled step. */
export function uAt(seed: number, iteration: number): number {
	const next = mulberry32(seed);
	let u = next();
	for (let i = 0; i < iteration; i++) u = next();
	return u;
}

export function stageTable(
	logits: ArrayLike<number>,
	candidates: readonly Pick<Candidate, 'id' | 'token'>[],
	choice: StageChoice,
	iteration: number,
): StageTable {
	const vocabSize = logits.length;
	const greedy = choice.temperature === 0;
	// Greedy is the limit of temperature → 0: only the top token is left, which top-k = 1 gives (same tie rule).
	const stages = greedy ? samplingStages(logits, { temperature: 1, topK: 1, topP: 1 }) : samplingStages(logits, choice);
	if (greedy) stages[1] = { ...stages[2]!, name: 'temperature' };
	const kOff = choice.topK <= 0 || choice.topK >= vocabSize;
	const headings: Record<StageName, [string, boolean]> = {
		logits: ['Model', true],
		temperature: greedy
			? ['Temperature 0 (greedy)', true]
			: [`Temperature ${choice.temperature}`, choice.temperature !== 1],
		'top-k': greedy ? ['Top-k: not used', false] : kOff ? ['Top-k: off', false] : [`Top-k ${choice.topK}`, true],
		'top-p': greedy
			? ['Top-p: not used', false]
			: choice.topP >= 1
				? ['Top-p: off', false]
				: [`Top-p ${choice.topP}`, true],
	};
	const columns = stages.map((s) => ({
		name: s.name,
		heading: headings[s.name][0],
		kept: s.kept,
		applied: headings[s.name][1],
	}));
	const shown = new Set(candidates.map((c) => c.id));
	const rows = candidates.map((c) => ({
		id: c.id,
		token: c.token,
		cells: stages.map((s) => ({ prob: s.probs[c.id]!, cut: s.logits[c.id] === -Infinity })),
	}));
	const rest = {
		count: vocabSize - shown.size,
		cells: stages.map((s) => {
			let prob = 0;
			let kept = 0;
			for (let i = 0; i < vocabSize; i++) {
				if (shown.has(i)) continue;
				prob += s.probs[i]!;
				if (s.logits[i] !== -Infinity) kept++;
			}
			return { prob, kept };
		}),
	};
	const last = stages[stages.length - 1]!;
	const draw = greedy
		? { id: candidates[0]?.id ?? 0, u: null }
		: (() => {
				const u = uAt(choice.seed, iteration);
				return { id: drawToken(last.probs, u), u };
			})();
	return { vocabSize, columns, rows, rest, draw };
}

/** "45.2%", "< 0.1%" for a survivor too small to show, "0%" only when it is exactly 0. */
export function formatPercent(p: number): string {
	if (p === 0) return '0%';
	if (p < 0.001) return '< 0.1%';
	return `${(p * 100).toFixed(1)}%`;
}
