// Lesson 4's runtime side in a real browser (Chromium, WASM, the real worker), through the test-only
// harness page: seeded runs repeat and differ by seed, and the logits a select event carries let
// the page-side processors redraw, and replay, exactly what the loop drew.
import { test, expect } from '../support/fixtures';
import type { GenerateSettings, SelectEvent } from '../../src/runtime/events';
import { distributionOf, drawToken, mulberry32 } from '../../src/runtime/sampling';
import { doneOf, openHarness } from './runtime-harness';

const PROMPT = 'And God said,';
const sampled = (seed: number, over: Partial<GenerateSettings> = {}): GenerateSettings => ({
	maxNewTokens: 12,
	mode: 'cached',
	sampling: { strategy: 'sample', temperature: 0.9, topK: 40, topP: 0.9, seed },
	...over,
});

test.describe('sampling in Chromium', () => {
	test.describe.configure({ timeout: 300_000 });

	test('the same seed twice gives identical text; other seeds give other texts', async ({ page }) => {
		await openHarness(page);
		expect((await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }))).error).toBeUndefined();
		const text = async (s: GenerateSettings) => {
			const r = await page.evaluate(([p, settings]) => window.runtimeHarness.run(p, settings), [PROMPT, s] as const);
			expect(r.error).toBeUndefined();
			return doneOf(r.events).generatedText;
		};
		const a = await text(sampled(42));
		expect(await text(sampled(42))).toBe(a);
		const others = [await text(sampled(43)), await text(sampled(44))];
		expect(others.some((t) => t !== a)).toBe(true);
	});

	test('select events carry the step logits and selectMs; the page redraws and replays the draws from them', async ({
		page,
	}) => {
		await openHarness(page);
		expect((await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }))).error).toBeUndefined();
		const s = sampled(7, { reportLogits: 'all' });
		const r = await page.evaluate(([p, settings]) => window.runtimeHarness.run(p, settings), [PROMPT, s] as const);
		expect(r.error).toBeUndefined();
		const selects = r.events.filter((e): e is SelectEvent => e.step === 'select');
		expect(selects.length).toBeGreaterThan(0);
		const rng = mulberry32(7);
		for (const e of selects) {
			expect(e.selectMs).toBeGreaterThanOrEqual(0);
			const values = Float32Array.from(e.logits!.values);
			expect(values.length).toBe(2048);
			// Redrawn in the page, the same engine as the worker: the very same numbers.
			const probs = await page.evaluate(([l, sampling]) => window.runtimeHarness.distribution(l, sampling), [
				Array.from(values),
				s.sampling,
			] as const);
			for (const c of e.candidates) expect(c.prob).toBe(probs[c.id]);
			expect(drawToken(probs, rng())).toBe(e.chosen.id);
			// Node's Math.exp may differ from Chromium's in the last bit, so across engines the numbers agree closely, not exactly.
			const inNode = distributionOf(values, s.sampling);
			e.candidates.forEach((c) => expect(inNode[c.id]).toBeCloseTo(c.prob, 12));
		}
	});
});
