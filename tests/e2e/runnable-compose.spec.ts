// Runnable parts composed by hand (src/pages/dev/naive-vs-cached.astro): a naive and a cached run
// of the generate loop side by side, each with its own listing and chips, and one timing chart
// following both. On the built site with the real model; the expected tokens come from the same
// loop run in Node.
import type { Locator } from '@playwright/test';
import { test, expect, expectAccessible } from '../support/fixtures';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent, GenerateSettings, StepEvent } from '../../src/runtime/events';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const PAGE = 'dev/naive-vs-cached/';
const PROMPT = 'In the beginning';
const MAX = 12;

async function nodeRun(mode: 'naive' | 'cached'): Promise<StepEvent[]> {
	const model = await siteModel();
	const settings: GenerateSettings = { maxNewTokens: MAX, mode, sampling: { strategy: 'greedy' }, topCandidates: 5 };
	return collect(generate(model, PROMPT, settings));
}

async function chipIds(run: Locator): Promise<number[]> {
	return run
		.locator('[data-rc="chips"] > li')
		.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.id)));
}

test.describe('runnable parts: naive and cached side by side, one shared chart', () => {
	test.describe.configure({ timeout: 240_000 });

	test('both runs end in done with identical tokens, and the shared chart holds both series', async ({ page }) => {
		await page.goto(PAGE);
		const naive = page.locator('#rc-naive');
		const cached = page.locator('#rc-cached');
		const chart = page.locator('rc-chart');
		await expect(naive).toHaveAttribute('data-state', 'idle');
		await expect(cached).toHaveAttribute('data-state', 'idle');
		// Each run has its own listing, lit by its own run; the chart is outside both runs.
		await expect(naive.locator('pre .line[data-step="forward"]')).toHaveCount(1);
		await expect(cached.locator('pre .line[data-step="forward"]')).toHaveCount(1);
		await expect(chart).toHaveCount(1);
		expect(await chart.evaluate((el) => el.closest('rc-run'))).toBeNull();
		await expect(chart.locator('[data-rc="chart-legend"] li')).toHaveText(['Naive', 'KV cache']);

		await naive.locator('[data-rc="run"]').click();
		await cached.locator('[data-rc="run"]').click();
		await expect(naive).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(cached).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });

		const naiveDone = (await nodeRun('naive')).at(-1) as DoneEvent;
		const cachedDone = (await nodeRun('cached')).at(-1) as DoneEvent;
		expect(cachedDone.ids).toEqual(naiveDone.ids);
		const naiveIds = await chipIds(naive);
		expect(naiveIds).toEqual(naiveDone.ids);
		expect(await chipIds(cached)).toEqual(naiveIds);
		await expect(naive.locator('[data-rc="chips"] .rc-chip--gen')).toHaveCount(naiveDone.stats.newTokens);

		// One chart, two series: one bar per forward pass of each run, told apart by style and label.
		const series = chart.locator('svg g.rc-series');
		await expect(series).toHaveCount(2);
		await expect(series.nth(0)).toHaveAttribute('data-series', 'Naive');
		await expect(series.nth(1)).toHaveAttribute('data-series', 'KV cache');
		await expect(series.nth(0).locator('rect')).toHaveCount(naiveDone.stats.newTokens);
		await expect(series.nth(1).locator('rect')).toHaveCount(cachedDone.stats.newTokens);
		const styles = await series.evaluateAll((gs) => gs.map((g) => getComputedStyle(g.querySelector('rect')!).fill));
		expect(styles[0]).not.toBe(styles[1]);
		await expect(chart.locator('svg')).toHaveAttribute(
			'aria-label',
			new RegExp(
				`^Naive: ${naiveDone.stats.newTokens} forward passes: .* KV cache: ${cachedDone.stats.newTokens} forward passes: `,
			),
		);
		await expect(chart.locator('[data-rc="chart-desc"]')).toHaveText(
			/^Naive: \d+ passes, latest [\d.]+ ms\. KV cache: \d+ passes, latest [\d.]+ ms\.$/,
		);

		// A run's own panels follow it alone: resetting one leaves the other and its series alone.
		await naive.locator('[data-rc="reset"]').click();
		await expect(naive).toHaveAttribute('data-state', 'idle');
		await expect(naive.locator('[data-rc="chips"] > li')).toHaveCount(0);
		await expect(series.nth(0).locator('rect')).toHaveCount(0);
		await expect(series.nth(1).locator('rect')).toHaveCount(cachedDone.stats.newTokens);
		expect(await chipIds(cached)).toEqual(naiveIds);
		await expectAccessible(page);
	});
});
