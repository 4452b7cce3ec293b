// Lesson 2, the KV cache: its sections, the naive-vs-cached figure, the published KV-size table and the live demo.
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import type { Locator } from '@playwright/test';
import { test, expect, expectAccessible, basePath } from '../support/fixtures';
import { expectLessonShape, expectReadsWithoutJavaScript, type LessonSection } from '../support/lessons';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent, EncodeEvent, StepEvent } from '../../src/runtime/events';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { kvBytesPerToken } from '../../src/serving-math/kv-cache-size';
import { readFileSync } from 'node:fs';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const lessonPath = 'lessons/the-kv-cache/';

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'what-gets-cached-and-why-that-is-allowed', text: 'What gets cached, and why that is allowed' },
	{ level: 'h3', id: 'prefill-and-decode', text: 'Prefill and decode' },
	{ level: 'h3', id: 'why-the-tokens-come-out-the-same', text: 'Why the tokens come out the same' },
	{ level: 'h3', id: 'how-the-work-grows', text: 'How the work grows' },
	{ level: 'h2', id: 'run-both', text: 'Run both' },
	{ level: 'h3', id: 'what-to-watch', text: 'What to watch' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h2', id: 'what-the-cache-costs', text: 'What the cache costs' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

test('lesson 2 follows lesson 1 and has its sections, in order, with stable anchors', async ({ page }) => {
	await page.goto(lessonPath);
	await expectLessonShape(page, {
		title: 'The KV cache',
		prev: `${basePath}lessons/the-autoregressive-loop/`,
		sections: lessonSections,
	});
});

test('both listings are on the page (static, or the runnable blocks that replace them)', async ({ page }) => {
	await page.goto(lessonPath);
	const content = page.locator('.sl-markdown-content');
	await expect(content).toContainText('def generate(model, tokenizer, prompt, max_new=50):');
	await expect(content).toContainText('logits = model.forward(ids)');
	await expect(content).toContainText('def generate_cached(model, tokenizer, prompt, max_new=50):');
	await expect(content).toContainText('logits = model.forward(ids[-1:], cache)');
	// Step annotations are for the runnable blocks; a reader never sees them.
	await expect(content).not.toContainText('[!step');
});

test('the figure names both panels and does not rely on colour alone', async ({ page }) => {
	await page.goto(lessonPath);
	const figure = page.locator('figure.kv-diagram');
	const panels = figure.locator('svg[role="img"]');
	await expect(panels).toHaveCount(2);
	await expect(panels.nth(0)).toHaveAccessibleName('Without a cache');
	await expect(panels.nth(1)).toHaveAccessibleName('With a KV cache');
	await expect(panels.nth(0)).toHaveAccessibleDescription(/every pass recomputes every position.*22 positions/);
	await expect(panels.nth(1)).toHaveAccessibleDescription(/7 positions computed in all/);
	// Cells read from the cache are dashed, computed ones solid: the legend says which is which.
	const dashed = await figure
		.locator('.kv-diagram__cell--cached')
		.first()
		.evaluate((el) => getComputedStyle(el).strokeDasharray);
	const solid = await figure
		.locator('.kv-diagram__cell--computed')
		.first()
		.evaluate((el) => getComputedStyle(el).strokeDasharray);
	expect(dashed).not.toBe('none');
	expect(solid).toBe('none');
	await expect(figure.locator('.kv-diagram__legend li')).toHaveText([
		'computed in this pass',
		'read from the cache, not recomputed',
		'kvkeys and values kept, every layer',
	]);
});

test('the KV table is a captioned table of published figures with the worked values and sources', async ({
	page,
	request,
}) => {
	await page.goto(lessonPath);
	const block = page.locator('.kv-table');
	await expect(block).toContainText('From published figures');
	await expect(block).toContainText('2 × layers × KV heads × head dim × bytes per value');
	const table = block.getByRole('table', { name: 'KV cache size of published model configurations' });
	await expect(table.locator('thead th[scope="col"]')).toHaveCount(7);
	const rows = table.locator('tbody tr');
	await expect(rows.locator('th[scope="row"]')).toHaveCount(3);
	const cells = (row: number) => rows.nth(row).locator('td');
	// kjv-gpt-2m: 6,144 B a token; its 256-token context is shorter than the 8,192-token column.
	await expect(cells(0)).toHaveText([
		'4',
		'4',
		'48',
		'fp32 (4 B)',
		'6 KiB (6,144 B)',
		/beyond its context.*256 tokens:.*1\.5 MiB/,
	]);
	await expect(cells(1)).toHaveText(['32', '8', '128', 'bf16 (2 B)', '128 KiB (131,072 B)', '1 GiB']);
	await expect(cells(2)).toHaveText(['80', '8', '128', 'bf16 (2 B)', '320 KiB (327,680 B)', '2.5 GiB']);
	await expect(table.getByRole('link', { name: 'config.json for Llama-3-8B' })).toHaveAttribute(
		'href',
		'https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/config.json',
	);
	await expect(table.getByRole('link', { name: 'config.json for Llama-3-70B' })).toHaveAttribute(
		'href',
		'https://huggingface.co/meta-llama/Meta-Llama-3-70B/blob/main/config.json',
	);
	const own = table.getByRole('link', { name: 'config.json for kjv-gpt-2m' });
	const response = await request.get((await own.getAttribute('href'))!);
	expect(response.status()).toBe(200);
	expect((await response.json()).n_layer).toBe(4);
});

test('at 375 px the table scrolls inside its own keyboard-focusable region, not the page', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 800 });
	await page.goto(lessonPath);
	const region = page.getByRole('region', { name: 'KV cache size of published model configurations' });
	await expect(region).toHaveAttribute('tabindex', '0');
	expect(await region.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
	await region.focus();
	await page.keyboard.press('ArrowRight');
	await expect.poll(() => region.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
	await expectAccessible(page);
});

// The live demo in "Run both": the naive listing on the generate loop, the cached listing on the
// stream loop, one shared prompt form, one chart for both, the token comparison and the KV size.
// On the built site with the real model; the expected tokens come from lesson 1's loop in Node.
test.describe('lesson 2: the live demo', () => {
	test.describe.configure({ timeout: 240_000 });
	const DEFAULT_PROMPT = 'For God so loved';
	const DEFAULT_MAX = 40;
	// The formula on the model's own config.json; float32 keys and values in the runtime.
	const config = JSON.parse(
		readFileSync(new URL('../../public/models/kjv-gpt-2m/config.json', import.meta.url), 'utf8'),
	);
	const perToken = kvBytesPerToken({
		layers: config.n_layer,
		kvHeads: config.n_head,
		headDim: config.n_embd / config.n_head,
		bytesPerValue: 4,
	});

	async function nodeRun(prompt: string, maxNewTokens: number): Promise<StepEvent[]> {
		const model = await siteModel();
		return collect(
			generate(model, prompt, { maxNewTokens, mode: 'cached', sampling: { strategy: 'greedy' }, topCandidates: 5 }),
		);
	}
	const chipIds = (run: Locator) =>
		run.locator('[data-rc="chips"] > li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.id)));

	test("the listings are annotated with their loops' steps; the cached one with the stream loop's names", async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const naive = page.locator('#rc-naive pre');
		const cached = page.locator('#rc-cached pre');
		for (const step of LOOP_VOCABULARIES.generate)
			expect(await naive.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
		for (const step of LOOP_VOCABULARIES.stream)
			expect(await cached.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
		await expect(cached.locator('.line[data-step="prefill"]')).toContainText('model.forward(ids, cache)');
		await expect(cached.locator('.line[data-step="decode"]').last()).toContainText('model.forward(ids[-1:], cache)');
		await expect(page.locator('.sl-markdown-content')).not.toContainText('not on this page yet');
		await expect(page.locator('#rc-naive-cached-prompt, [data-rc="prompt"]').first()).toHaveValue(DEFAULT_PROMPT);
	});

	test('naive and cached runs of the default prompt end in done with identical tokens; one chart, both series; bytes = formula', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const naive = page.locator('#rc-naive');
		const cached = page.locator('#rc-cached');
		const chart = page.locator('rc-chart');
		const compare = page.locator('rc-compare');
		await expect(compare).toHaveText('When both runs are done, their tokens are compared here.');
		await page.getByRole('button', { name: 'Run both' }).click();
		await expect(naive).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(cached).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });

		const expected = (await nodeRun(DEFAULT_PROMPT, DEFAULT_MAX)).at(-1) as DoneEvent;
		const naiveIds = await chipIds(naive);
		expect(naiveIds).toEqual(expected.ids);
		expect(await chipIds(cached)).toEqual(naiveIds);
		await expect(compare).toHaveAttribute('data-verdict', 'same');
		await expect(compare).toHaveText(
			`Identical: both runs produced the same ${expected.ids.length} tokens (${expected.stats.newTokens} generated).`,
		);

		// One chart, two labelled series, a bar per step of each run; measured figures are shown.
		await expect(chart).toHaveCount(1);
		await expect(chart).toContainText('measured here');
		await expect(chart.locator('[data-rc="chart-legend"] li')).toHaveText(['Without a cache', 'With a KV cache']);
		const series = chart.locator('svg g.rc-series');
		await expect(series).toHaveCount(2);
		await expect(series.nth(0).locator('rect')).toHaveCount(expected.stats.newTokens);
		await expect(series.nth(1).locator('rect')).toHaveCount(expected.stats.newTokens);
		await expect(chart.locator('[data-rc="chart-desc"]')).toHaveText(
			/^Without a cache: \d+ passes, latest [\d.]+ ms\. With a KV cache: \d+ passes, latest [\d.]+ ms\.$/,
		);
		for (const run of [naive, cached]) {
			await expect(run.locator('[data-rc="stats"]')).toBeVisible();
			await expect(run.locator('[data-rc="total"]')).toHaveText(/^[\d.]+ ms$/);
		}

		// The cache after the last step holds every token but the last (which was never fed back).
		const kv = cached.locator('rc-kv');
		const held = expected.ids.length - 1;
		await expect(kv).toHaveAttribute('data-tokens', String(held));
		await expect(kv).toHaveAttribute('data-measured', String(held * perToken));
		await expect(kv).toHaveAttribute('data-formula', String(held * perToken));
		await expect(kv.locator('[data-rc="kv-measured"]')).toContainText(
			`${(held * perToken).toLocaleString('en-US')} bytes`,
		);
		await expect(kv.locator('[data-rc="kv-formula"]')).toHaveText(`${(held * perToken).toLocaleString('en-US')} bytes`);
		await expect(kv).toContainText('2 × 4 layers × 4 KV heads × 48 head dim × 4 bytes = 6,144 bytes a token');
		await expect(kv.locator('[data-rc="kv-check"]')).toHaveText('The measured size equals the formula.');
		await expectAccessible(page);
	});

	test('the cache size follows the run step by step: measured bytes equal the formula after every pass', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		await page.locator('[data-rc="max"]').first().fill('4');
		const cached = page.locator('#rc-cached');
		const kv = cached.locator('rc-kv');
		await cached.locator('[data-rc="step"]').click();
		const seen = new Set<string>();
		for (let i = 0; i < 40 && (await cached.getAttribute('data-state')) !== 'done'; i++) {
			await expect(cached).toHaveAttribute('data-state', /paused|done/, { timeout: LOAD_TIMEOUT });
			const tokens = await kv.getAttribute('data-tokens');
			if (tokens) {
				seen.add(tokens);
				expect(Number(await kv.getAttribute('data-measured'))).toBe(Number(tokens) * perToken);
			}
			await cached.locator('[data-rc="step"]').click();
		}
		await expect(cached).toHaveAttribute('data-state', 'done');
		// The prefill's prompt tokens, then one more after each of the three decode passes.
		expect(seen.size).toBe(4);
	});

	test('at 375 px the two runs stack and the page does not scroll sideways', async ({ page }) => {
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(lessonPath);
		await page.locator('[data-rc="max"]').first().fill('8');
		// Ctrl+Enter in the shared form runs both, as Run both does.
		await page.locator('[data-rc="prompt"]').press('Control+Enter');
		await expect(page.locator('#rc-naive')).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(page.locator('#rc-cached')).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const naive = (await page.locator('#rc-naive').boundingBox())!;
		const cached = (await page.locator('#rc-cached').boundingBox())!;
		expect(cached.y).toBeGreaterThanOrEqual(naive.y + naive.height);
		expect(naive.width).toBeLessThanOrEqual(375);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		await expect(page.locator('rc-compare')).toHaveAttribute('data-verdict', 'same');
		await expectAccessible(page);
		await page.locator('.rc-side-by-side').screenshot({ path: 'test-results/lesson-kv-cache-375.png' });
	});

	test('bad input: out-of-range and non-numeric lengths (typed, and in a link), an empty and an over-long prompt', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const note = page.locator('[data-rc="settings-note"]');
		const naive = page.locator('#rc-naive');
		const cached = page.locator('#rc-cached');
		await page.locator('[data-rc="max"]').first().fill('0');
		await naive.locator('[data-rc="run"]').click();
		await expect(note).toHaveText('Adjusted: Max new tokens must be a whole number from 1 to 200; using 1.');
		await expect(page.locator('[data-rc="max"]').first()).toHaveValue('1');
		await expect(naive).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(naive.locator('[data-rc="chips"] .rc-chip--gen')).toHaveCount(1);

		// A length the browser cannot read as a number: the default is used, and the form says so.
		await page.locator('[data-rc="max"]').first().fill('');
		await page.locator('[data-rc="max"]').first().pressSequentially('1e');
		await naive.locator('[data-rc="run"]').click();
		await expect(note).toHaveText('Adjusted: Max new tokens must be a number; using 40.');
		await expect(page.locator('[data-rc="max"]').first()).toHaveValue('40');
		await expect(naive).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const withDefault = (await nodeRun(DEFAULT_PROMPT, DEFAULT_MAX)).at(-1) as DoneEvent;
		await expect(naive.locator('[data-rc="chips"] .rc-chip--gen')).toHaveCount(withDefault.stats.newTokens);

		// An empty prompt starts from the start token.
		await page.locator('[data-rc="prompt"]').fill('');
		await page.locator('[data-rc="max"]').first().fill('3');
		await cached.locator('[data-rc="run"]').click();
		await expect(cached).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(cached.locator('[data-rc="chips"] .rc-chip--prompt')).toHaveCount(1);
		await expect(cached.locator('[data-rc="chips"] .rc-chip--gen')).toHaveCount(3);
		// The two runs now used different prompts: the page does not call that a difference of the loops.
		await expect(page.locator('rc-compare')).toHaveAttribute('data-verdict', 'not-comparable');
		await expect(page.locator('rc-compare')).toHaveText(/different settings, so their tokens are not compared/);

		// A prompt longer than the context: its start is dropped, the run ends when the context is full.
		const long = '@'.repeat(500);
		const encoded = (await nodeRun(long, 3))[0] as EncodeEvent;
		expect(encoded.truncated?.contextSize).toBe(256);
		await page.locator('[data-rc="prompt"]').fill(long);
		await cached.locator('[data-rc="run"]').click();
		await expect(cached).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(cached.locator('[data-rc="status"]')).toContainText('the context window is full');
		await expect(cached.locator('[data-rc="chips"] > li')).toHaveCount(256);
		await expect(cached.locator('rc-kv')).toHaveAttribute('data-measured', String(255 * perToken));

		// A link with a non-numeric length fills the form with the default and says so; Run replays it.
		await page.goto(`${lessonPath}?rc=cached&prompt=${encodeURIComponent(DEFAULT_PROMPT)}&max=lots#rc-cached`);
		await expect(note).toHaveText(/Max new tokens must be a number; using 40\./);
		await cached.locator('[data-rc="run"]').click();
		await expect(cached).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(cached.locator('[data-rc="chips"] .rc-chip--gen')).toHaveCount(withDefault.stats.newTokens);
		await expectAccessible(page);
	});

	test('Stop and Reset mid-run', async ({ page }) => {
		// The default prompt ends at EOS too soon to stop; take one whose greedy run, in Node, lasts all 200
		// tokens asked for, so the run is still going when Stop is clicked however fast the worker runs.
		let longPrompt: string | undefined;
		for (const prompt of ['Thou shalt not', 'In the beginning', 'My son,', 'Thus saith the LORD,', 'Hear, O Israel:']) {
			const done = (await nodeRun(prompt, 200)).at(-1) as DoneEvent;
			if (done.reason === 'max_new') {
				longPrompt = prompt;
				break;
			}
		}
		expect(longPrompt, 'a prompt whose greedy run lasts 200 tokens').toBeDefined();
		await page.goto(lessonPath);
		await page.locator('[data-rc="prompt"]').first().fill(longPrompt!);
		await page.locator('[data-rc="max"]').first().fill('200');
		const naive = page.locator('#rc-naive');
		const cached = page.locator('#rc-cached');
		await naive.locator('[data-rc="run"]').click();
		await expect(naive).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await naive.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThan(20);
		await naive.locator('[data-rc="stop"]').click();
		await expect(naive).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
		await expect(naive.locator('[data-rc="status"]')).toHaveText(/stopped by you|Stopped/);
		const generated = await naive.locator('[data-rc="chips"] .rc-chip--gen').count();
		expect(generated).toBeGreaterThan(0);
		expect(generated).toBeLessThan(200);
		// A stopped run is not compared with a finished one.
		await expect(page.locator('rc-compare')).toHaveAttribute('data-verdict', '');

		const naiveBars = await page.locator('rc-chart svg g.rc-series').nth(0).locator('rect').count();
		expect(naiveBars).toBeGreaterThanOrEqual(generated);
		await cached.locator('[data-rc="run"]').click();
		await expect(cached).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await cached.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThan(20);
		await cached.locator('[data-rc="reset"]').click();
		await expect(cached).toHaveAttribute('data-state', 'idle');
		await expect(cached.locator('[data-rc="chips"] > li')).toHaveCount(0);
		await expect(page.locator('rc-chart svg g.rc-series').nth(1).locator('rect')).toHaveCount(0);
		await expect(cached.locator('[data-rc="kv-measured"]')).toHaveText('–');
		// The naive run's series stays.
		await expect(page.locator('rc-chart svg g.rc-series').nth(0).locator('rect')).toHaveCount(naiveBars);
		await expectAccessible(page);
	});
});

test.describe('lesson 2 without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('still reads as a lesson: both listings visible, no empty demo cards', async ({ page }) => {
		await page.goto(lessonPath);
		await expectReadsWithoutJavaScript(page, {
			title: 'The KV cache',
			runs: ['cached', 'naive'],
			listing: 'logits = model.forward(ids[-1:], cache)',
			note: 'Turn on JavaScript to run them.',
		});
		await expect(page.locator('#rc-naive pre')).toBeVisible();
		await expect(page.locator('.sl-markdown-content')).not.toContainText('[!step');
	});
});
