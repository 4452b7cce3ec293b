// Lesson 6, continuous batching and paged KV memory: its sections, the scheduler listing, and the
// live demo on the built site with the real model: one queue served continuously, statically and
// short of KV memory, each request's tokens checked against its solo greedy run in Node, the
// measured figures, the block table, bad input, Stop and Reset, 375 px and no JavaScript.
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import type { Locator, Page } from '@playwright/test';
import { test, expect, expectAccessible, basePath } from '../support/fixtures';
import { expectLessonShape, expectReadsWithoutJavaScript, type LessonSection } from '../support/lessons';
import { lessonNumber, lessonQueue } from '../support/lesson-queue';
import { readLessons } from '../../src/lessons-index.mjs';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent } from '../../src/runtime/events';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const lessonPath = 'lessons/continuous-batching/';
const RUNS = ['continuous', 'static', 'tight'] as const;

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'two-ways-to-fill-a-batch', text: 'Two ways to fill a batch' },
	{ level: 'h3', id: 'static-batching', text: 'Static batching' },
	{ level: 'h3', id: 'continuous-batching-schedule-every-step', text: 'Continuous batching: schedule every step' },
	{ level: 'h2', id: 'kv-memory-in-blocks', text: 'KV memory in blocks' },
	{ level: 'h3', id: 'what-a-contiguous-reservation-wastes', text: 'What a contiguous reservation wastes' },
	{ level: 'h3', id: 'blocks-and-block-tables', text: 'Blocks and block tables' },
	{ level: 'h3', id: 'when-memory-runs-out', text: 'When memory runs out' },
	{ level: 'h2', id: 'serve-the-queue', text: 'Serve the queue' },
	{ level: 'h3', id: 'what-to-watch', text: 'What to watch' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

/** The published lesson before this one (lessons in between may still be drafts). */
function previousLesson(): string {
	const lessons = readLessons(new URL('../../src/content/docs/lessons/', import.meta.url)) as { slug: string }[];
	const at = lessons.findIndex((l) => `${l.slug}/` === lessonPath);
	return `${basePath}${lessons[at - 1]!.slug}/`;
}

async function soloIds(prompt: string, maxNewTokens: number): Promise<number[]> {
	const model = await siteModel();
	const events = await collect(
		generate(model, prompt, { maxNewTokens, mode: 'cached', sampling: { strategy: 'greedy' } }),
	);
	return (events.at(-1) as DoneEvent).ids;
}

const run = (page: Page, id: string) => page.locator(`#rc-${id}`);
const schedule = (page: Page, id: string) => page.locator(`rc-schedule[for="${id}"]`);
const requestRows = (page: Page, id: string) => schedule(page, id).locator('[data-rc="sched-requests"] tr');
const rowIds = (rows: Locator) =>
	rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.ids!.split(' ').map(Number)));

test('lesson 6 follows the previous published lesson and has its sections, in order, with stable anchors', async ({
	page,
}) => {
	await page.goto(lessonPath);
	await expectLessonShape(page, {
		title: 'Continuous batching and paged KV memory',
		prev: previousLesson(),
		sections: lessonSections,
	});
	// Every published figure sits beside its source.
	const content = page.locator('.sl-markdown-content');
	for (const href of [
		'https://www.usenix.org/conference/osdi22/presentation/yu',
		'https://blog.vllm.ai/2023/06/20/vllm.html',
		'https://arxiv.org/abs/2309.06180',
		'https://www.anyscale.com/blog/continuous-batching-llm-inference',
	])
		expect(await content.locator(`a[href="${href}"]`).count(), href).toBeGreaterThan(0);
});

test('the scheduler listing is annotated with every step of the continuous loop', async ({ page }) => {
	await page.goto(lessonPath);
	const listing = page.locator('#rc-continuous pre');
	for (const step of LOOP_VOCABULARIES.continuous)
		expect(await listing.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
	await expect(listing.locator('.line[data-step="forward"]').first()).toContainText('model.forward([r.ids[-1:]');
	await expect(listing.locator('.line[data-step="retire"]').last()).toContainText('blocks.free(r)');
	await expect(page.locator('.sl-markdown-content')).not.toContainText('[!step');
	await expect(page.locator('[data-rc="prompt"]')).toHaveValue(lessonQueue().join('\n'));
});

test.describe('lesson 6: the live demo', () => {
	test.describe.configure({ timeout: 480_000 });

	test('the queue served three ways: every request equals its solo greedy run; continuous takes fewer passes', async ({
		page,
	}) => {
		const prompts = lessonQueue();
		const max = lessonNumber('queueMaxNewTokens');
		expect(prompts.length).toBeGreaterThanOrEqual(12);
		await page.goto(lessonPath);
		// Every run's state changes, in order, to check that they ran one after another.
		await page.evaluate((ids) => {
			const log: string[] = [];
			(window as unknown as { stateLog: string[] }).stateLog = log;
			for (const id of ids) {
				const el = document.getElementById(`rc-${id}`)!;
				new MutationObserver(() => log.push(`${id}:${el.dataset.state}`)).observe(el, {
					attributeFilter: ['data-state'],
				});
			}
		}, RUNS);
		await page.getByRole('button', { name: 'Serve the queue three ways' }).click();
		for (const id of RUNS) await expect(run(page, id)).toHaveAttribute('data-state', 'done', { timeout: 180_000 });

		// One after another: a run is never timed while another shares the device.
		const log = await page.evaluate(() => (window as unknown as { stateLog: string[] }).stateLog);
		const firstAt = (entry: string) => log.indexOf(entry);
		const started = (id: string) => log.findIndex((e) => e.startsWith(`${id}:`) && !e.endsWith(':idle'));
		expect(started('static'), log.join(' ')).toBeGreaterThan(firstAt('continuous:done'));
		expect(started('tight'), log.join(' ')).toBeGreaterThan(firstAt('static:done'));
		expect(firstAt('continuous:done')).toBeGreaterThan(-1);

		const expected = [];
		for (const prompt of prompts) expected.push(await soloIds(prompt, max));
		for (const id of RUNS) {
			await expect(requestRows(page, id)).toHaveCount(prompts.length);
			expect(await rowIds(requestRows(page, id)), id).toEqual(expected);
		}

		// Measured figures: passes, utilisation, total time, each request's first token and finish.
		const figure = async (id: string, name: string) => Number(await schedule(page, id).getAttribute(`data-${name}`));
		const [cont, stat] = [await figure('continuous', 'passes'), await figure('static', 'passes')];
		expect(cont).toBeLessThan(stat);
		expect(await figure('continuous', 'prefill-passes')).toBe(prompts.length);
		expect(await figure('static', 'prefill-passes')).toBe(prompts.length);
		expect(await figure('continuous', 'utilisation')).toBeGreaterThan(await figure('static', 'utilisation'));
		for (const id of RUNS) {
			const panel = schedule(page, id);
			await expect(panel).toContainText('measured here');
			await expect(panel.locator('[data-rc="sched-passes"]')).toHaveText(
				/^\d+ \(\d+ batched decode steps \+ \d+ prefills\)$/,
			);
			await expect(panel.locator('[data-rc="sched-util"]')).toHaveText(/^\d+\.\d%$/);
			await expect(panel.locator('[data-rc="sched-total"]')).toHaveText(/^[\d.]+ ms$/);
			for (const tr of await requestRows(page, id).all()) {
				await expect(tr.locator('td').nth(2)).toHaveText(/^step \d+, [\d.]+ ms$/);
				await expect(tr.locator('td').nth(3)).toHaveText(/^step \d+, [\d.]+ ms$/);
			}
			// The timeline: a cell per slot per step, each busy one labelled with its request.
			const steps = await figure(id, 'steps');
			const cells = panel.locator('[data-rc="timeline"] .rc-cell:not(.rc-cell--head, .rc-cell--count)');
			await expect(cells).toHaveCount(4 * steps);
			// Utilisation over time: the busy slots of each step add up to the tokens produced.
			const counts = (await panel.locator('[data-rc="timeline"] .rc-cell--count').allTextContents()).map(Number);
			expect(counts).toHaveLength(steps);
			const newTokens = (await requestRows(page, id).locator('td:nth-child(6)').allTextContents()).map(Number);
			expect(counts.reduce((a, b) => a + b, 0)).toBe(newTokens.reduce((a, b) => a + b, 0));
			const busy = panel.locator('[data-rc="timeline"] .rc-cell[data-request]');
			expect(await busy.allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^[▸↺]?[A-L]$/)]));
		}
		const idle = (id: string) => schedule(page, id).locator('[data-rc="timeline"] .rc-cell--idle').count();
		expect(await idle('static')).toBeGreaterThan(await idle('continuous'));

		// Short of KV memory: a request was preempted and came back, and its tokens did not change.
		await expect(
			schedule(page, 'tight').locator('[data-rc="timeline"] .rc-cell', { hasText: '↺' }).first(),
		).toBeVisible();

		// The side-by-side table and the page's own solo check.
		const summary = page.locator('rc-serve-summary');
		await expect(summary).toHaveAttribute('data-verdicts', 'same same same', { timeout: 60_000 });
		await expect(summary.locator('[data-rc="solo-verdict"]')).toHaveText(
			`Continuous: all ${prompts.length} requests produced exactly the tokens of their solo greedy runs. ` +
				`Static: all ${prompts.length} requests produced exactly the tokens of their solo greedy runs. ` +
				`Continuous, 4 blocks: all ${prompts.length} requests produced exactly the tokens of their solo greedy runs.`,
		);
		// The figures measured in this run, for the test log.
		console.info((await summary.locator('tbody tr').allInnerTexts()).join('\n'));
		const passesRow = summary.locator('tbody tr').first();
		await expect(passesRow.locator('th')).toHaveText('Forward passes');
		await expect(passesRow.locator('td')).toHaveText([String(cont), String(stat), /^\d+$/]);
		for (const name of ['Mean step of first token', 'Mean finishing step'])
			await expect(summary.locator('tbody tr', { hasText: name }).locator('td')).toHaveText([
				/^\d+\.\d$/,
				/^\d+\.\d$/,
				/^\d+\.\d$/,
			]);
		await expect(summary.locator('tbody tr', { hasText: 'Slot utilisation' }).locator('td')).toHaveText([
			/%$/,
			/%$/,
			/%$/,
		]);
		await expectAccessible(page);
	});

	test('step by step: blocks are taken as sequences grow and freed when they retire, beside a contiguous reservation', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const c = run(page, 'continuous');
		const blocks = page.locator('rc-blocks[for="continuous"]');
		const step = c.locator('[data-rc="step"]');
		await step.click();
		let sawBlocks = false;
		let sawRetire = false;
		for (let i = 0; i < 60; i++) {
			await expect(c).toHaveAttribute('data-state', /paused|done/, { timeout: LOAD_TIMEOUT });
			const used = Number((await blocks.getAttribute('data-used-blocks')) ?? '0');
			if (used > 0) {
				sawBlocks = true;
				await expect(blocks.locator('[data-rc="block-tables"] tr').first()).toHaveText(/^[A-L]\d+[\d, ]+$/);
				await expect(blocks.locator('[data-rc="mem-paged"]')).toContainText(
					`${used} blocks = ${used * 16} token slots`,
				);
				await expect(blocks.locator('[data-rc="mem-contiguous"]')).toContainText('× 256 tokens');
				expect(Number(await blocks.getAttribute('data-contiguous-waste'))).toBeGreaterThan(
					Number(await blocks.getAttribute('data-paged-waste')),
				);
			}
			if (await blocks.locator('[data-rc="mem-notes"] li[data-kind="retired"]').count()) {
				sawRetire = true;
				await expect(blocks.locator('[data-rc="mem-notes"] li[data-kind="retired"]').first()).toHaveText(
					/^Request [A-L] finished; slot \d and \d+ blocks? freed\.$/,
				);
				break;
			}
			await step.click();
		}
		expect(sawBlocks && sawRetire).toBe(true);
		await expect(c.locator('[data-rc="status"]')).not.toBeEmpty();
		await expectAccessible(page);
	});

	test('at 375 px the demo reads without sideways page scroll; timelines scroll in their own regions', async ({
		page,
	}) => {
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(lessonPath);
		await run(page, 'static').locator('[data-rc="run"]').click();
		await expect(run(page, 'static')).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
		const region = page.getByRole('region', { name: 'Static batching: slots by step' });
		await expect(region).toHaveAttribute('tabindex', '0');
		expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		// The keyboard scrolls it; the run's arrow-key shortcut (Step) leaves it alone.
		const events = await run(page, 'static').getAttribute('data-event-index');
		await region.focus();
		await page.keyboard.press('ArrowRight');
		await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
		await expect(run(page, 'static')).toHaveAttribute('data-event-index', events!);
		await expectAccessible(page);
		await page.locator('#rc-static').screenshot({ path: 'test-results/lesson-continuous-375.png' });
	});

	test('bad input: a length out of range, too many requests, an empty and an over-long prompt line', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const note = page.locator('[data-rc="settings-note"]');
		const c = run(page, 'continuous');
		const prompt = page.locator('[data-rc="prompt"]');
		await page.locator('[data-rc="max"]').fill('0');
		await prompt.fill('Blessed are the\nBehold, I');
		await c.locator('[data-rc="run"]').click();
		await expect(note).toHaveText('Adjusted: Max new tokens must be a whole number from 1 to 200; using 1.');
		await expect(page.locator('[data-rc="max"]')).toHaveValue('1');
		await expect(c).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(requestRows(page, 'continuous').locator('td:nth-child(6)')).toHaveText(['1', '1']);

		// More requests than the scheduler takes: the run says why, and nothing breaks.
		await prompt.fill(Array.from({ length: 70 }, () => 'And').join('\n'));
		await c.locator('[data-rc="run"]').click();
		await expect(c).toHaveAttribute('data-state', 'error', { timeout: LOAD_TIMEOUT });
		await expect(c.locator('[data-rc="error-message"]')).toHaveText(
			"Those settings don't work: Invalid requests: expected 1 to 64 requests, got 70",
		);

		// An empty line starts from the start token; a line longer than the context keeps its end.
		await page.locator('[data-rc="max"]').fill('3');
		await prompt.fill(`Blessed are the\n\n${'@'.repeat(300)}`);
		await c.locator('[data-rc="run"]').click();
		await expect(c).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(c.locator('[data-rc="run-notes"]')).toContainText('Request B: The prompt is empty');
		await expect(c.locator('[data-rc="run-notes"]')).toContainText('Request C: The prompt is');
		await expect(c.locator('[data-rc="run-notes"]')).toContainText('tokens were dropped');
		await expect(requestRows(page, 'continuous')).toHaveCount(3);
		await expectAccessible(page);
	});

	test('Stop and Reset mid-run', async ({ page }) => {
		await page.goto(lessonPath);
		const s = run(page, 'static');
		await s.locator('[data-rc="step"]').click();
		await expect(s).toHaveAttribute('data-state', 'paused', { timeout: LOAD_TIMEOUT });
		for (let i = 0; i < 30; i++) await s.locator('[data-rc="step"]').click();
		await s.locator('[data-rc="stop"]').click();
		await expect(s).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
		await expect(s.locator('[data-rc="status"]')).toContainText(/stopped/i);
		await expect(requestRows(page, 'static').filter({ hasText: 'stopped' }).first()).toBeVisible();
		// A stopped run is left out of the side-by-side comparison.
		await expect(page.locator('rc-serve-summary [data-rc="summary-rows"] tr').first().locator('td').nth(1)).toHaveText(
			'–',
		);
		await s.locator('[data-rc="reset"]').click();
		await expect(s).toHaveAttribute('data-state', 'idle');
		await expect(schedule(page, 'static').locator('[data-rc="timeline"]')).toHaveAttribute(
			'aria-label',
			'Not started.',
		);
		await expect(schedule(page, 'static').locator('[data-rc="sched-passes"]')).toHaveText('–');
		await expect(requestRows(page, 'static')).toHaveCount(0);
		await expectAccessible(page);
	});
});

test.describe('lesson 6: a model that fails to load', () => {
	test.use({ allowedConsoleErrors: [/Failed to load resource/, /onnx|ort|session|protobuf|model/i] });

	test('shows the error with Retry, and Retry serves the queue', async ({ page }) => {
		await page.route('**/*.onnx', (route) => route.fulfill({ status: 404, body: 'not found' }));
		await page.goto(lessonPath);
		const c = run(page, 'continuous');
		await page.locator('[data-rc="max"]').fill('2');
		await c.locator('[data-rc="run"]').click();
		await expect(c).toHaveAttribute('data-state', 'error', { timeout: LOAD_TIMEOUT });
		await expect(c.locator('[data-rc="error-message"]')).toContainText('missing');
		await page.unroute('**/*.onnx');
		await c.locator('[data-rc="retry"]').click();
		await expect(c).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(requestRows(page, 'continuous')).toHaveCount(lessonQueue().length);
	});
});

test.describe('lesson 6 without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('still reads as a lesson: the listing visible, no empty demo panels', async ({ page }) => {
		await page.goto(lessonPath);
		await expectReadsWithoutJavaScript(page, {
			title: 'Continuous batching and paged KV memory',
			runs: RUNS,
			listing: 'blocks.free(r)',
			note: 'Turn on JavaScript to run them.',
		});
	});
});
