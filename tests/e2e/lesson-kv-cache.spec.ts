// Lesson 2, the KV cache: its sections, the naive-vs-cached figure and the published KV-size table.
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import { test, expect, expectAccessible, basePath } from '../support/fixtures';

const lessonPath = 'lessons/the-kv-cache/';

const lessonSections = [
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
	await expect(page.locator('h1')).toHaveText('The KV cache');
	await expect(page.locator('.pagination-links a[rel="prev"]')).toHaveAttribute('href', `${basePath}lessons/the-autoregressive-loop/`);
	const headings = page.locator('.sl-markdown-content :is(h2, h3)');
	await expect(headings).toHaveCount(lessonSections.length);
	for (const [index, section] of lessonSections.entries()) {
		const heading = headings.nth(index);
		await expect(heading).toHaveText(section.text);
		await expect(heading).toHaveAttribute('id', section.id);
		expect(await heading.evaluate((el) => el.tagName.toLowerCase())).toBe(section.level);
	}
	await expect(page.locator('ol.try-it > li')).toHaveCount(3);
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
	const dashed = await figure.locator('.kv-diagram__cell--cached').first().evaluate((el) => getComputedStyle(el).strokeDasharray);
	const solid = await figure.locator('.kv-diagram__cell--computed').first().evaluate((el) => getComputedStyle(el).strokeDasharray);
	expect(dashed).not.toBe('none');
	expect(solid).toBe('none');
	await expect(figure.locator('.kv-diagram__legend li')).toHaveText([
		'computed in this pass',
		'read from the cache, not recomputed',
		'kvkeys and values kept, every layer',
	]);
});

test('the KV table is a captioned table of published figures with the worked values and sources', async ({ page, request }) => {
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
	await expect(cells(0)).toHaveText(['4', '4', '48', 'fp32 (4 B)', '6 KiB (6,144 B)', /beyond its context.*256 tokens:.*1\.5 MiB/]);
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
