// @ts-check
// Section `scaling` of the bench (bench/README.md, "5. Scaling"): how a pass's cost grows with the
// position, naive against cached (lesson 2), and tokens/s at B = 8 over B = 1 (lesson 5), with the
// runtime's own named loops in its worker on the bench page (page/scaling.ts).
import { TARGETS, formatTable, median, pairedRatio, positionGrowth, quartiles, windowMs } from './report.mjs';

/** The positions compared, and the half-width of the window of passes around each. */
export const NEAR = 10;
export const FAR = 200;
export const HALF = 2;
/** Tried in order, greedy, then seeded sampling from the first: the first that reaches FAR + HALF wins. */
const POSITION_PROMPTS = ['Thou shalt not', 'And', 'In the beginning'];
const SEEDS = [1, 2, 3];
/** Eight prompts of 1 to 7 tokens whose greedy continuations have no EOS within 32 tokens (checked here). */
export const BATCH_PROMPTS = [
	'Thou shalt not',
	'And',
	'In the beginning',
	'For God so loved the world',
	'Hear, O Israel',
	'And the king',
	'The word of the LORD',
	'Praise ye the LORD',
];

/** @param {number} x */
const r3 = (x) => +x.toFixed(3);

/**
 * @param {{ page: import('playwright-core').Page, rounds: number, batchTokens: number, say: (s: string) => void }} o
 */
export async function measureScaling({ page, rounds, batchTokens, say }) {
	// eosId: the pad id of the runtime's batches, which the raw loop pads with too.
	const { backend, eosId } = await page.evaluate(() => /** @type {any} */ (window).__bench.loadRuntime());
	// The raw side: the runtime's own tokens through a bare session.run loop in its own worker (page/raw-forced.ts).
	await page.evaluate(() => /** @type {any} */ (window).__bench.loadRaw());
	/** @param {number[][]} rows @param {number[]} promptLengths @returns {Promise<{ passes: { position: number, runMs: number, stepMs: number }[], runMs: number, stepMs: number }>} */
	const rawRun = (rows, promptLengths) =>
		page.evaluate(
			([rows, lengths, pad]) => /** @type {any} */ (window).__bench.rawForcedRun(rows, lengths, pad),
			/** @type {const} */ ([rows, promptLengths, eosId]),
		);

	// A prompt short enough that position NEAR - HALF is already a decode pass, whose run reaches FAR + HALF.
	const candidates = [
		...POSITION_PROMPTS.map((prompt) => ({ prompt, sampling: { strategy: 'greedy' } })),
		...SEEDS.map((seed) => ({
			prompt: POSITION_PROMPTS[0],
			sampling: { strategy: 'sample', temperature: 1, topK: 0, topP: 1, seed },
		})),
	];
	let choice;
	for (const c of candidates) {
		const r = await page.evaluate(
			([c, n]) => /** @type {any} */ (window).__bench.positionRun('cached', c.prompt, n, c.sampling),
			/** @type {const} */ ([c, 250]),
		);
		const last = r.passes.at(-1)?.position ?? -1;
		if (r.promptTokens < NEAR - HALF && last >= FAR + HALF) {
			choice = { ...c, promptTokens: r.promptTokens };
			break;
		}
	}
	if (!choice) throw new Error(`scaling: no prompt or seed reached position ${FAR + HALF} without EOS`);
	// The last pass feeds position promptTokens + maxNewTokens - 2.
	const maxNewTokens = FAR + HALF + 2 - choice.promptTokens;
	say(
		`scaling: per-pass time by position, ${JSON.stringify(choice.prompt)} (${choice.sampling.strategy}), ${maxNewTokens} new tokens, ${rounds} rounds`,
	);

	/** @type {Record<'naive' | 'cached' | 'raw', { growth: number[], nearMs: number[], farMs: number[], reasons: string[], ids: number[][] }>} */
	const pos = {
		naive: { growth: [], nearMs: [], farMs: [], reasons: [], ids: [] },
		cached: { growth: [], nearMs: [], farMs: [], reasons: [], ids: [] },
		raw: { growth: [], nearMs: [], farMs: [], reasons: [], ids: [] },
	};
	/**
	 * One run's passes in its row of the table; reasons and ids are the runtime run's.
	 * @param {'naive' | 'cached' | 'raw'} mode @param {{ position: number, ms: number }[]} passes @param {{ reason: string, ids: number[] }} run
	 */
	const record = (mode, passes, run) => {
		const p = pos[mode];
		p.growth.push(positionGrowth(passes, NEAR, FAR, HALF));
		p.nearMs.push(windowMs(passes, NEAR, HALF).ms);
		p.farMs.push(windowMs(passes, FAR, HALF).ms);
		p.reasons.push(run.reason);
		p.ids.push(run.ids);
	};
	for (let round = 0; round < rounds; round++) {
		/** @type {('naive' | 'cached')[]} */
		const order = round % 2 ? ['cached', 'naive'] : ['naive', 'cached'];
		for (const mode of order) {
			const r = await page.evaluate(
				([mode, c, n]) => /** @type {any} */ (window).__bench.positionRun(mode, c.prompt, n, c.sampling),
				/** @type {const} */ ([mode, choice, maxNewTokens]),
			);
			record(mode, r.passes, r);
			if (mode !== 'cached') continue;
			// Right after the cached run, its sequence through the raw loop: session.run alone, same positions.
			const raw = await rawRun([r.allIds], [r.promptTokens]);
			record(
				'raw',
				raw.passes.map((x) => ({ position: x.position, ms: x.runMs })),
				r,
			);
		}
	}
	const LOOPS = {
		naive: "generate, mode 'naive'",
		cached: 'stream (cached)',
		raw: 'raw session.run, same tokens',
	};
	const summary = (/** @type {'naive' | 'cached' | 'raw'} */ mode) => {
		const p = pos[mode];
		const [q1, q3] = quartiles(p.growth.filter(Number.isFinite));
		return {
			loop: LOOPS[mode],
			growth: r3(median(p.growth.filter(Number.isFinite))),
			growthQuartiles: [r3(q1), r3(q3)],
			growthPerRound: p.growth.map(r3),
			completeRounds: p.growth.filter(Number.isFinite).length,
			nearMs: r3(median(p.nearMs)),
			farMs: r3(median(p.farMs)),
			reasons: [...new Set(p.reasons)],
		};
	};

	say(`scaling: batched, ${BATCH_PROMPTS.length} prompts × ${batchTokens} tokens, B = 1 vs B = 8, ${rounds} rounds`);
	/** tps: the loop's clock; forwardTps: its forward passes alone; rawTps: the same tokens through the raw loop's session.run. */
	const newSide = () => ({
		tps: /** @type {number[]} */ ([]),
		wallTps: /** @type {number[]} */ ([]),
		forwardTps: /** @type {number[]} */ ([]),
		rawTps: /** @type {number[]} */ ([]),
		tokens: 0,
	});
	const one = newSide();
	const eight = newSide();
	let sameTokens = true;
	let reasons8 = /** @type {string[]} */ ([]);
	let last8 = /** @type {any} */ (null);
	// Round -1 is a warm-up; B = 1 and B = 8 alternate which goes first.
	for (let round = -1; round < rounds; round++) {
		const runOne = async () => {
			let tokens = 0;
			let loopMs = 0;
			let wallMs = 0;
			let forwardMs = 0;
			let rawMs = 0;
			const ids = [];
			for (const p of BATCH_PROMPTS) {
				const r = await page.evaluate(
					([p, n]) => /** @type {any} */ (window).__bench.batchRun([p], n),
					/** @type {const} */ ([p, batchTokens]),
				);
				tokens += r.newTokens;
				loopMs += r.loopMs;
				wallMs += r.wallMs;
				forwardMs += r.forwardMs;
				rawMs += (await rawRun(r.allIds, r.promptLengths)).runMs;
				ids.push(r.rowIds[0]);
			}
			return { tokens, loopMs, wallMs, forwardMs, rawMs, ids };
		};
		const runEight = async () => {
			const r = await page.evaluate(
				([ps, n]) => /** @type {any} */ (window).__bench.batchRun(ps, n),
				/** @type {const} */ ([BATCH_PROMPTS, batchTokens]),
			);
			return { ...r, rawMs: (await rawRun(r.allIds, r.promptLengths)).runMs };
		};
		let a;
		let b;
		if (round % 2) {
			b = await runEight();
			a = await runOne();
		} else {
			a = await runOne();
			b = await runEight();
		}
		sameTokens &&= JSON.stringify(a.ids) === JSON.stringify(b.rowIds);
		reasons8 = b.reasons;
		last8 = b;
		if (round < 0) continue;
		one.tokens = a.tokens;
		eight.tokens = b.newTokens;
		one.tps.push((a.tokens * 1000) / a.loopMs);
		one.wallTps.push((a.tokens * 1000) / a.wallMs);
		one.forwardTps.push((a.tokens * 1000) / a.forwardMs);
		one.rawTps.push((a.tokens * 1000) / a.rawMs);
		eight.tps.push((b.newTokens * 1000) / b.loopMs);
		eight.wallTps.push((b.newTokens * 1000) / b.wallMs);
		eight.forwardTps.push((b.newTokens * 1000) / b.forwardMs);
		eight.rawTps.push((b.newTokens * 1000) / b.rawMs);
	}
	const speedups = (/** @type {'tps' | 'wallTps' | 'forwardTps' | 'rawTps'} */ k) => ({
		median: r3(pairedRatio(eight[k], one[k])),
		perRound: eight[k].map((x, i) => r3(x / one[k][i])),
	});

	return {
		backend,
		position: {
			prompt: choice.prompt,
			sampling: choice.sampling,
			promptTokens: choice.promptTokens,
			maxNewTokens,
			near: NEAR,
			far: FAR,
			half: HALF,
			rounds,
			naive: summary('naive'),
			cached: summary('cached'),
			raw: summary('raw'),
			sameTokens: pos.naive.ids.every((ids, i) => JSON.stringify(ids) === JSON.stringify(pos.cached.ids[i])),
		},
		batch: {
			prompts: BATCH_PROMPTS,
			maxNewTokens: batchTokens,
			rounds,
			tokens: { b1: one.tokens, b8: eight.tokens },
			tokensPerSecond: { b1: r3(median(one.tps)), b8: r3(median(eight.tps)) },
			wallTokensPerSecond: { b1: r3(median(one.wallTps)), b8: r3(median(eight.wallTps)) },
			forwardTokensPerSecond: { b1: r3(median(one.forwardTps)), b8: r3(median(eight.forwardTps)) },
			rawTokensPerSecond: { b1: r3(median(one.rawTps)), b8: r3(median(eight.rawTps)) },
			speedup: speedups('tps').median,
			speedupPerRound: speedups('tps').perRound,
			wallSpeedup: speedups('wallTps').median,
			forwardSpeedup: speedups('forwardTps').median,
			rawSpeedup: speedups('rawTps').median,
			rawSpeedupPerRound: speedups('rawTps').perRound,
			sameTokens,
			reasonsB8: reasons8,
			paddingTokensB8: last8?.paddingTokens ?? NaN,
			forwardPassesB8: last8?.forwardPasses ?? NaN,
		},
	};
}

/** The printed section. @param {any} s the result of measureScaling */
export function scalingLines(s) {
	const be = s.backend?.backend ?? '?';
	const p = s.position;
	const b = s.batch;
	const mode = (/** @type {any} */ m) => [
		m.loop,
		be,
		m.nearMs.toFixed(2),
		m.farMs.toFixed(2),
		m.growth.toFixed(2),
		`${m.growthQuartiles[0].toFixed(2)}–${m.growthQuartiles[1].toFixed(2)}`,
		`${m.completeRounds}/${p.rounds}`,
	];
	return [
		'',
		`5. Scaling: the runtime's named loops in its worker on the bench page, backend ${be}, ${s.backend?.threads ?? '?'} thread(s)`,
		`Per-pass time by position (lesson 2): prompt ${JSON.stringify(p.prompt)} (${p.promptTokens} tokens), ${p.sampling.strategy}${p.sampling.seed === undefined ? '' : ` seed ${p.sampling.seed}`}, ${p.maxNewTokens} new tokens; ms/pass = median of the passes at positions ${p.near - p.half}–${p.near + p.half} and ${p.far - p.half}–${p.far + p.half} (the loops' own timing of each forward pass); ratio per run, median over ${p.rounds} rounds, naive and cached alternating; naive and cached made the same tokens: ${p.sameTokens ? 'yes' : 'no'}`,
		formatTable(
			['loop', 'backend', `ms/pass at ${p.near}`, `ms/pass at ${p.far}`, `${p.far}/${p.near}`, 'IQR', 'complete runs'],
			[mode(p.naive), mode(p.cached), mode(p.raw)],
		),
		`The raw row: each cached run's own tokens fed right after it through a bare session.run loop in another worker (same ORT build, model file and session options; page/raw-forced.ts), session.run alone, taking the whole cache (present.*) back each pass as a plain loop does: the growth of onnxruntime-web copying it out; the runtime appends the model's step.* outputs in place instead`,
		`Batched decoding (lesson 5): ${b.prompts.length} prompts, greedy, cached, ${b.maxNewTokens} new tokens each; B = 1 is the same prompts one at a time; tokens/s = new tokens over the loop's own busy time (done stats), median of ${b.rounds} rounds after a warm-up; same tokens at B = 8 as at B = 1: ${b.sameTokens ? 'yes' : 'no'}; B = 8 rows stopped by ${[...new Set(b.reasonsB8)].join(', ')}`,
		formatTable(
			[
				'B',
				'backend',
				'tokens',
				'tokens/s (loop)',
				'tokens/s (wall)',
				"tokens/s (loop's passes)",
				'tokens/s (raw passes)',
			],
			['1', '8'].map((k) => [
				k,
				be,
				b.tokens[`b${k}`],
				...['tokensPerSecond', 'wallTokensPerSecond', 'forwardTokensPerSecond', 'rawTokensPerSecond'].map((f) =>
					b[f][`b${k}`].toFixed(1),
				),
			]),
		),
		`B=8 over B=1, paired, median over rounds: ${b.speedup.toFixed(2)}× by the loop's clock (per round ${b.speedupPerRound.join(', ')}), ${b.wallSpeedup.toFixed(2)}× by wall time; ${b.forwardSpeedup.toFixed(2)}× over the loop's forward passes alone (session.run), ${b.rawSpeedup.toFixed(2)}× over the same tokens' passes in the raw loop (per round ${b.rawSpeedupPerRound.join(', ')}): what onnxruntime-web's [8, 1] pass gives by itself`,
	];
}

/**
 * The section's rows of the targets table (issue 10: naive ≥ 3, cached ≤ 1.5; issues 13/16: B = 8
 * over B = 1 ≥ 3), each naming its loop and backend.
 * @param {any} s the result of measureScaling
 */
export function scalingTargetRows(s) {
	const on = s.backend?.backend ?? '?';
	const { naive, cached, near, far } = s.position;
	const times = (/** @type {number} */ x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
	return [
		{
			measure: `Lesson 2: naive pass at position ${far} over position ${near} (${naive.loop}; ${on})`,
			value: naive.growth,
			shown: times(naive.growth),
			target: TARGETS.naiveGrowth,
		},
		{
			measure: `Lesson 2: cached pass at position ${far} over position ${near} (${cached.loop}; ${on})`,
			value: cached.growth,
			shown: times(cached.growth),
			target: TARGETS.cachedGrowth,
		},
		{
			measure: `Lesson 2: the same tokens' pass at ${far} over ${near} in a raw session.run loop (${on})`,
			value: s.position.raw.growth,
			shown: times(s.position.raw.growth),
			target: TARGETS.info,
		},
		{
			measure: `Lesson 5: batched tokens/s at B=8 over B=1 (batched, cached, greedy; ${on})`,
			value: s.batch.speedup,
			shown: times(s.batch.speedup),
			target: TARGETS.batchSpeedup,
		},
		{
			measure: `Lesson 5: the same tokens at B=8 over B=1 in a raw session.run loop (${on})`,
			value: s.batch.rawSpeedup,
			shown: times(s.batch.rawSpeedup),
			target: TARGETS.info,
		},
	];
}
