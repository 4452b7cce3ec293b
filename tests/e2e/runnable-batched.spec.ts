// The batched loop in runnable parts (src/pages/dev/batched-rows.astro): four prompts of different
// lengths as B = 4 left-padded rows of one run. On the built site with the real model; each row's
// expected tokens are that prompt's B = 1 greedy run of the generate loop in Node.
import { test, expect, expectAccessible } from '../support/fixtures';
import { generate } from '../../src/runtime/generate';
import { batched } from '../../src/runtime/loops/batched';
import type { BatchedDoneEvent } from '../../src/runtime/loops/batched-events';
import type { DoneEvent, GenerateSettings } from '../../src/runtime/events';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const PAGE = 'dev/batched-rows/';
const PROMPTS = ['And', 'In the beginning', 'Thou shalt not', 'And God said, Let there be light: and there was'];
const MAX = 10;
const KV_BYTES_PER_TOKEN = 2 * 4 * 4 * 48 * 4;

async function singleRun(prompt: string): Promise<DoneEvent> {
	const model = await siteModel();
	const settings: GenerateSettings = {
		maxNewTokens: MAX,
		mode: 'cached',
		sampling: { strategy: 'greedy' },
		topCandidates: 5,
	};
	return (await collect(generate(model, prompt, settings))).at(-1) as DoneEvent;
}

test.describe('runnable parts: the batched loop, B = 4 rows', () => {
	test.describe.configure({ timeout: 240_000 });

	test('the run ends in done, each row equals its prompt alone, padding is counted, axe is clean', async ({ page }) => {
		await page.goto(PAGE);
		const run = page.locator('#rc-batch');
		await expect(run).toHaveAttribute('data-state', 'idle');
		// The listing is annotated with the batched loop's steps, each on a line.
		for (const step of LOOP_VOCABULARIES.batched)
			await expect(run.locator(`pre .line[data-step~="${step}"]`)).toHaveCount(1);

		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(run.locator('pre .line[aria-current="step"]')).toHaveAttribute('data-step', /done/);

		const rows = run.locator('[data-rc="rows"] > li');
		await expect(rows).toHaveCount(PROMPTS.length);
		const expected = await Promise.all(PROMPTS.map(async (p) => singleRun(p)));
		const widths = expected.map((d) => d.ids.length - d.stats.newTokens);
		expect(new Set(widths).size, 'the prompts have different lengths').toBeGreaterThan(1);
		let padding = 0;
		for (const [i, done] of expected.entries()) {
			const row = rows.nth(i);
			const ids = await row
				.locator('.rc-chip:not(.rc-chip--pad)')
				.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.id)));
			expect(ids, `row ${i + 1} against its prompt run alone`).toEqual(done.ids);
			await expect(row).toHaveAttribute('data-reason', done.reason);
			await expect(row.locator('.rc-chip--gen')).toHaveCount(done.stats.newTokens);
			// Left padding: as many pad columns before the first token as the row is shorter than the longest prompt.
			const leading = await row
				.locator('.rc-chip')
				.evaluateAll((lis) => lis.findIndex((li) => !li.classList.contains('rc-chip--pad')));
			expect(leading).toBe(Math.max(...widths) - widths[i]!);
			const pads = await row.locator('.rc-chip--pad').count();
			await expect(row.locator('.rc-row-head')).toContainText(`${pads} padding`);
			padding += pads;
		}
		await expect(run.locator('[data-rc="rows-count"]')).toHaveText(`4 rows, ${padding} padding columns`);
		expect(padding).toBeGreaterThan(0);
		// The pad columns shown are the ones the batch fed: the same loop in Node counts them.
		const settings: GenerateSettings = {
			maxNewTokens: MAX,
			mode: 'cached',
			sampling: { strategy: 'greedy' },
			topCandidates: 5,
		};
		const nodeBatch = (await collect(batched(await siteModel(), PROMPTS, settings))).at(-1) as BatchedDoneEvent;
		expect(padding).toBe(nodeBatch.stats.paddingTokens);

		// The chart has a bar per forward pass; the KV panel's measured bytes equal the formula.
		const passes = Math.max(...expected.map((d) => d.stats.newTokens));
		await expect(run.locator('rc-chart svg rect')).toHaveCount(passes);
		const kv = run.locator('rc-kv');
		const measured = Number(await kv.getAttribute('data-measured'));
		const tokens = Number(await kv.getAttribute('data-tokens'));
		expect(measured).toBeGreaterThan(0);
		expect(measured).toBe(tokens * KV_BYTES_PER_TOKEN);
		await expect(kv.locator('[data-rc="kv-check"]')).toHaveText('The measured size equals the formula.');
		await expectAccessible(page);
	});
});
