// Lesson 5, batching: its sections, the batched listing, and the live demo on the built site with
// the real model: a B = 4 batch whose rows each equal their prompt's B = 1 greedy run (in Node and
// as the page checks it), a point per B from the sweep, bad input, Stop, 375 px, no JavaScript.
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import type { Locator } from '@playwright/test';
import { test, expect, expectAccessible } from '../support/fixtures';
import { expectLessonShape, expectReadsWithoutJavaScript, type LessonSection } from '../support/lessons';
import { readLessons } from '../../src/lessons-index.mjs';
import { generate } from '../../src/runtime/generate';
import { batched } from '../../src/runtime/loops/batched';
import type { BatchedDoneEvent } from '../../src/runtime/loops/batched-events';
import type { DoneEvent, GenerateSettings } from '../../src/runtime/events';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { readFileSync } from 'node:fs';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const lessonPath = 'lessons/batching/';
const MAX = 40;

// The page's prompts, read from its one `export const batchPrompts = [...]` line.
const source = readFileSync(new URL('../../src/content/docs/lessons/05-batching.mdx', import.meta.url), 'utf8');
const PROMPTS = JSON.parse(/^export const batchPrompts = (\[.*\]);$/m.exec(source)![1]!.replace(/'/g, '"')) as string[];

// The published lesson before this one (drafts are not in the build).
const published = readLessons(new URL('../../src/content/docs/lessons/', import.meta.url)) as { slug: string }[];
const previous = published[published.findIndex((l) => `${l.slug}/` === lessonPath) - 1]!;

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'one-pass-b-rows', text: 'One pass, B rows' },
	{ level: 'h3', id: 'left-padding-and-the-attention-mask', text: 'Left padding and the attention mask' },
	{ level: 'h3', id: 'why-each-row-comes-out-the-same', text: 'Why each row comes out the same' },
	{ level: 'h3', id: 'when-a-row-finishes-first', text: 'When a row finishes first' },
	{ level: 'h2', id: 'why-more-rows-cost-little', text: 'Why more rows cost little' },
	{ level: 'h2', id: 'run-a-batch', text: 'Run a batch' },
	{ level: 'h3', id: 'what-to-watch', text: 'What to watch' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

const greedy: GenerateSettings = {
	maxNewTokens: MAX,
	mode: 'cached',
	sampling: { strategy: 'greedy' },
	topCandidates: 5,
};
/** A prompt's greedy run alone (B = 1), with lesson 1's loop in Node. */
async function alone(prompt: string): Promise<DoneEvent> {
	return (await collect(generate(await siteModel(), prompt, greedy))).at(-1) as DoneEvent;
}
const rowIds = (row: Locator) =>
	row
		.locator('.rc-chip:not(.rc-chip--pad)')
		.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.id)));

test('lesson 5 follows the previous published lesson and has its sections, in order, with stable anchors', async ({
	page,
}) => {
	await page.goto(lessonPath);
	await expectLessonShape(page, {
		title: 'Batching',
		prev: new RegExp(`/${previous.slug}/$`),
		sections: lessonSections,
	});
});

test('the batched listing is annotated with the loop’s steps and shows no annotations', async ({ page }) => {
	await page.goto(lessonPath);
	const listing = page.locator('#rc-batch pre');
	for (const step of LOOP_VOCABULARIES.batched)
		expect(await listing.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
	await expect(listing.locator('.line[data-step="forward"]')).toContainText('model.forward(batch, mask, cache)');
	await expect(page.locator('.sl-markdown-content')).not.toContainText('[!step');
	// The default batch: the first four of the page's prompts, B = 4.
	await expect(page.locator('#rc-batch [data-rc="prompt"]')).toHaveValue(PROMPTS.slice(0, 4).join('\n'));
	await expect(page.locator('[data-rc="batch-size"]')).toHaveValue('4');
});

test.describe('lesson 5: the live demo', () => {
	test.describe.configure({ timeout: 300_000 });

	test('a B = 4 run ends in done, each row equals its prompt run alone, the page says so; padding is counted', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const run = page.locator('#rc-batch');
		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(run.locator('pre .line[aria-current="step"]')).toHaveAttribute('data-step', /done/);

		const rows = run.locator('[data-rc="rows"] > li');
		await expect(rows).toHaveCount(4);
		const expected = await Promise.all(PROMPTS.slice(0, 4).map(alone));
		expect(new Set(expected.map((d) => d.ids.length - d.stats.newTokens)).size, 'prompts of different lengths').toBe(4);
		let padding = 0;
		for (const [i, done] of expected.entries()) {
			expect(await rowIds(rows.nth(i)), `row ${i + 1} against its prompt alone`).toEqual(done.ids);
			await expect(rows.nth(i)).toHaveAttribute('data-reason', done.reason);
			padding += await rows.nth(i).locator('.rc-chip--pad').count();
		}
		const nodeBatch = (await collect(batched(await siteModel(), PROMPTS.slice(0, 4), greedy))).at(
			-1,
		) as BatchedDoneEvent;
		expect(padding).toBe(nodeBatch.stats.paddingTokens);
		await expect(run.locator('[data-rc="rows-count"]')).toHaveText(`4 rows, ${padding} padding columns`);

		// The page's own check, against each prompt run alone in the browser.
		const check = page.locator('rc-row-check');
		await expect(check).toHaveAttribute('data-verdict', 'same', { timeout: 60_000 });
		await expect(check).toHaveText('All 4 rows equal what each prompt makes run alone (B = 1).');

		// One point, for B = 4, measured here, with the run's padding.
		const chart = page.locator('rc-batch-chart');
		await expect(chart).toContainText('measured here');
		const point = chart.locator('tbody tr[data-b="4"]');
		await expect(point).toHaveCount(1);
		await expect(point.locator('td').nth(5)).toHaveText(String(padding));
		await expect(chart.locator('[data-rc="plot-step"] circle')).toHaveCount(1);
		await expect(run.locator('[data-rc="stats"]')).toBeVisible();
		await expectAccessible(page);
	});

	test('Run all B gives one point for each B = 1, 2, 4, 8, 16, and the B = 16 rows match their prompts alone', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const chart = page.locator('rc-batch-chart');
		// From the keyboard; the button keeps its focus while the sweep runs, and says it is busy.
		const sweep = chart.getByRole('button', { name: /Run all B/ });
		await sweep.focus();
		await page.keyboard.press('Enter');
		await expect(sweep).toHaveAttribute('aria-disabled', 'true');
		await expect(sweep).toBeFocused();
		await expect(chart.locator('[data-rc="sweep-status"]')).toHaveText('Measured B = 1, 2, 4, 8, 16: one point each.', {
			timeout: 240_000,
		});
		await expect(sweep).toHaveAttribute('aria-disabled', 'false');
		await expect(sweep).toBeFocused();
		const sizes = ['1', '2', '4', '8', '16'];
		await expect(chart.locator('tbody tr')).toHaveCount(5);
		expect(
			await chart.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.b)),
		).toEqual(sizes);
		const step = chart.locator('[data-rc="plot-step"]');
		const tps = chart.locator('[data-rc="plot-tps"]');
		expect(await step.locator('circle').evaluateAll((cs) => cs.map((c) => (c as SVGElement).dataset.b))).toEqual(sizes);
		// Tokens/s: all rows (filled circles) and per user (open squares), a point each per B.
		await expect(tps.locator('circle.rc-point--total')).toHaveCount(5);
		await expect(tps.locator('rect.rc-point--user')).toHaveCount(5);
		await expect(tps).toHaveAttribute('aria-label', /measured here.*B = 16: [\d,]+ and [\d,]+\.$/);
		for (const cell of await chart.locator('tbody td').allTextContents()) expect(cell).toMatch(/^[\d,.]+$/);

		// The last run was B = 16: sixteen rows, one for each of the page's prompts.
		const run = page.locator('#rc-batch');
		await expect(run.locator('[data-rc="rows"] > li')).toHaveCount(16);
		await expect(page.locator('[data-rc="batch-size"]')).toHaveValue('16');
		const prompts = (await run.locator('[data-rc="prompt"]').inputValue()).split('\n');
		expect(prompts).toEqual([...PROMPTS, ...PROMPTS].slice(0, 16));
		await expect(page.locator('rc-row-check')).toHaveAttribute('data-verdict', 'same', { timeout: 60_000 });
		await expect(page.locator('rc-row-check')).toHaveText(
			'All 16 rows equal what each prompt makes run alone (B = 1).',
		);
		await expectAccessible(page);
	});

	test('bad input: B out of range, not a number, more lines than 16, an empty prompt; Stop mid-run', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const run = page.locator('#rc-batch');
		const size = page.locator('[data-rc="batch-size"]');
		const note = page.locator('[data-rc="batch-note"]');
		const box = run.locator('[data-rc="prompt"]');

		await size.fill('40');
		await size.press('Tab');
		await expect(note).toHaveText('Adjusted: B must be a whole number from 1 to 16; using 16.');
		await expect(size).toHaveValue('16');
		expect((await box.inputValue()).split('\n')).toHaveLength(16);

		await size.fill('0');
		await size.press('Enter');
		await expect(note).toHaveText('Adjusted: B must be a whole number from 1 to 16; using 1.');
		await expect(box).toHaveValue(PROMPTS[0]!);

		// A value the browser cannot read as a number: B follows the prompt box's lines.
		await size.fill('');
		await size.pressSequentially('1e');
		await size.press('Tab');
		await expect(note).toHaveText('Adjusted: B must be a number; using 1.');
		await expect(size).toHaveValue('1');

		// Typing more lines than 16: B stays 16 and the page says a run takes the first 16.
		await box.fill(Array.from({ length: 18 }, (_, i) => PROMPTS[i % PROMPTS.length]).join('\n'));
		await expect(note).toHaveText('The prompt box has 18 lines; B is at most 16, so a run takes the first 16.');
		await expect(size).toHaveValue('16');

		// An empty line is an empty prompt: its row starts from the start token, and the page says so.
		await box.fill(`${PROMPTS[0]}\n\n${PROMPTS[2]}`);
		await expect(size).toHaveValue('3');
		await page.locator('[data-rc="max"]').fill('3');
		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(run.locator('[data-rc="rows"] > li')).toHaveCount(3);
		await expect(run.locator('[data-rc="run-notes"]')).toContainText('Row 2: The prompt is empty');
		await expect(page.locator('rc-row-check')).toHaveAttribute('data-verdict', 'same', { timeout: 60_000 });

		// Stop mid-run: the rows stop, and a stopped run is neither checked nor charted.
		// (The page's prompts end at EOS within a few dozen tokens; this one runs on to the context.)
		// In slow motion, so that the run cannot reach its end before the click, however fast the device.
		await box.fill(Array.from({ length: 16 }, () => 'Thou shalt not').join('\n'));
		await page.locator('[data-rc="max"]').fill('200');
		await run.locator('[data-rc="speed"][value="slow"]').check();
		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await run.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThan(5);
		await run.locator('[data-rc="stop"]').click();
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
		await expect(page.locator('rc-row-check')).toHaveAttribute('data-verdict', 'stopped');
		await expect(page.locator('rc-batch-chart tbody tr[data-b="16"]')).toHaveCount(0);
		await expectAccessible(page);
	});

	test('at 375 px the demo fits: no sideways scroll of the page', async ({ page }) => {
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(lessonPath);
		const run = page.locator('#rc-batch');
		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(page.locator('rc-batch-chart tbody tr')).toHaveCount(1);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		await expectAccessible(page);
		await run.screenshot({ path: 'test-results/lesson-batching-375.png' });
	});
});

test.describe('lesson 5 without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('still reads as a lesson: the listing is visible, the demo’s panels are not', async ({ page }) => {
		await page.goto(lessonPath);
		await expectReadsWithoutJavaScript(page, {
			title: 'Batching',
			runs: ['batch'],
			listing: 'logits = model.forward(batch, mask, cache)',
			note: 'Turn on JavaScript to run it.',
		});
	});
});
