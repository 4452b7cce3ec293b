import { test, expect, expectAccessible, localUrl, publicUrl, basePath, readClipboard } from '../support/fixtures';

const lessonPath = 'lessons/the-autoregressive-loop/';

const lessonSections = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'what-happens-when-you-hit-generate', text: 'What happens when you hit “generate”' },
	{ level: 'h3', id: 'picking-the-next-token', text: 'Picking the next token' },
	{ level: 'h3', id: 'one-pass-per-output-token', text: 'One pass per output token' },
	{ level: 'h2', id: 'the-demo', text: 'The demo' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h3', id: 'what-the-listing-leaves-out', text: 'What the listing leaves out' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

// The lesson brief's three prompts, in the order it gives them.
const tryItPrompts = [
	'In plain terms, what physically happens when I call an LLM to generate text? What is the autoregressive loop?',
	'Walk me through one step of generation: from the current token sequence to logits to the next token. Why does the model run once per output token?',
	'Given that generation is one forward pass per output token, explain why output length dominates latency and how that shapes serving decisions (batching, streaming, cost).',
];

test('the landing page says what the course is and lists lesson 1', async ({ page }) => {
	await page.goto('./');
	await expect(page.locator('h1')).toHaveText('Token by Token');
	await expect(page.locator('main')).toContainText('how large language models are served');
	const lessonLink = page.locator('main .lesson-list a', { hasText: 'The autoregressive loop' });
	await expect(lessonLink).toHaveAttribute('href', `${basePath}${lessonPath}`);
	await lessonLink.click();
	await expect(page).toHaveURL(localUrl(lessonPath));
	await expect(page.locator('h1')).toHaveText('The autoregressive loop');
});

test('lesson 1 appears in the sidebar and has prev/next navigation', async ({ page }) => {
	await page.goto(lessonPath);
	const sidebarLink = page.locator('#starlight__sidebar a[aria-current="page"]');
	await expect(sidebarLink).toHaveText('The autoregressive loop');
	await expect(page.locator('.pagination-links a[rel="prev"]')).toHaveAttribute('href', basePath);
});

test('lesson 1 has its sections, in order, each with a stable anchor and a table of contents entry', async ({ page }) => {
	await page.goto(lessonPath);
	const headings = page.locator('.sl-markdown-content :is(h2, h3)');
	await expect(headings).toHaveCount(lessonSections.length);
	for (const [index, section] of lessonSections.entries()) {
		const heading = headings.nth(index);
		await expect(heading).toHaveText(section.text);
		await expect(heading).toHaveAttribute('id', section.id);
		expect(await heading.evaluate((el) => el.tagName.toLowerCase())).toBe(section.level);
		await expect(page.locator(`starlight-toc a[href="#${section.id}"]`)).toHaveCount(1);
	}
	// The figure and the static code block the runnable widget will replace.
	await expect(page.locator('figure.loop-diagram svg[role="img"]')).toHaveAccessibleName('The autoregressive loop');
	const code = page.locator('.expressive-code pre[data-language="python"]');
	await expect(code).toContainText('def generate(model, tokenizer, prompt, max_new=50):');
	await expect(code).toContainText('logits = model.forward(ids)');
	await expect(page.locator('.expressive-code .copy button')).toBeVisible();
});

for (const section of lessonSections) {
	test(`the #${section.id} anchor scrolls to its heading`, async ({ page }) => {
		await page.goto(`${lessonPath}#${section.id}`);
		const heading = page.locator(`#${section.id}`);
		await expect(heading).toBeInViewport();
		// Not just somewhere on screen: near the top, below the fixed header, not hidden under it.
		await expect
			.poll(() =>
				heading.evaluate((el) => {
					const header = document.querySelector('.page > header')?.getBoundingClientRect().bottom ?? 0;
					const top = el.getBoundingClientRect().top;
					return top >= header && top <= header + innerHeight / 4;
				})
			)
			.toBe(true);
	});
}

test('the copy-link control next to a heading copies the section URL', async ({ page }) => {
	await page.goto(lessonPath);
	const control = page.locator('.sl-heading-wrapper:has(#the-demo) a.sl-anchor-link');
	await expect(control).toBeVisible();
	await expect(control).toHaveAccessibleName('Copy link to section “The demo”');
	await control.click();
	await expect.poll(() => readClipboard(page)).toBe(`${localUrl(lessonPath)}#the-demo`);
	await expect(control).toHaveAttribute('data-copied', 'true');
	await expect(page.locator('[data-heading-link-status]')).toHaveText('Copied link to “The demo”.');
	await expect(page).toHaveURL(`${localUrl(lessonPath)}#the-demo`);
});

test('the copy-link control works from the keyboard', async ({ page }) => {
	await page.goto(lessonPath);
	const control = page.locator('.sl-heading-wrapper:has(#try-it) a.sl-anchor-link');
	await control.focus();
	await expect(control).toBeFocused();
	await page.keyboard.press('Enter');
	await expect.poll(() => readClipboard(page)).toBe(`${localUrl(lessonPath)}#try-it`);
});

test('the three try-it prompts appear in order, each with copy and open-in-AI controls', async ({ page }) => {
	await page.goto(lessonPath);
	const items = page.locator('ol.try-it > li');
	await expect(items).toHaveCount(3);
	await expect(page.locator('ol.try-it .try-it__prompt')).toHaveText(tryItPrompts);
	for (const [index, prompt] of tryItPrompts.entries()) {
		const item = items.nth(index);
		await expect(item.getByRole('link', { name: /^Open in ChatGPT/ })).toHaveCount(1);
		await expect(item.getByRole('link', { name: /^Open in Claude/ })).toHaveCount(1);
		await item.getByRole('button', { name: /^Copy/ }).click();
		await expect.poll(() => readClipboard(page)).toBe(prompt);
		await expect(item.getByRole('status')).toHaveText('Copied the prompt.');
	}
});

test('every open-in-AI link pre-fills a prompt that names the lesson URL', async ({ page }) => {
	await page.goto(lessonPath);
	const links = page.locator('a[data-assistant]');
	// One pair for the lesson, one pair per try-it prompt.
	await expect(links).toHaveCount(2 + 2 * tryItPrompts.length);
	const lessonUrl = publicUrl(lessonPath);
	for (const href of await links.evaluateAll((els) => els.map((el) => el.getAttribute('href') ?? ''))) {
		const url = new URL(href);
		expect(['https://chatgpt.com/', 'https://claude.ai/new']).toContain(url.origin + url.pathname);
		expect(href.length).toBeLessThanOrEqual(2000);
		expect(url.searchParams.get('q')).toContain(lessonUrl);
	}
	const lessonPrompt = new URL((await links.first().getAttribute('href')) ?? '').searchParams.get('q') ?? '';
	expect(lessonPrompt).toMatch(/why it matters/);
	expect(lessonPrompt).toMatch(/explain the demo/);
	expect(lessonPrompt).toMatch(/quiz me on the lesson's try-it list/);
	for (const [index, prompt] of tryItPrompts.entries()) {
		const href = (await page.locator('ol.try-it > li').nth(index).locator('a[data-assistant="claude"]').getAttribute('href')) ?? '';
		expect(new URL(href).searchParams.get('q')).toContain(prompt);
	}
});

test('"Copy lesson as Markdown" copies the Markdown twin', async ({ page, request }) => {
	await page.goto(lessonPath);
	await page.getByRole('button', { name: /^Copy lesson as Markdown/ }).click();
	await expect(page.locator('.open-in-ai [role="status"]')).toHaveText('Copied the lesson as Markdown.');
	const twin = await (await request.get(localUrl('lessons/the-autoregressive-loop.md'))).text();
	expect(await readClipboard(page)).toBe(twin);
});

test('search finds lesson 1 by a word from its body', async ({ page }) => {
	await page.goto('./');
	await page.locator('site-search button[data-open-modal]').click();
	const input = page.locator('site-search dialog .pagefind-ui__search-input');
	await expect(input).toBeFocused();
	// "incantations" appears only in the body of lesson 1.
	await input.fill('incantations');
	const result = page.locator('site-search .pagefind-ui__result-link').first();
	await expect(result).toHaveText('The autoregressive loop');
	await expect(result).toHaveAttribute('href', new RegExp(`^${basePath}lessons/the-autoregressive-loop/`));
});

test('the Markdown twin, llms.txt and llms-full.txt are served', async ({ request }) => {
	const twin = await request.get(localUrl('lessons/the-autoregressive-loop.md'));
	expect(twin.status()).toBe(200);
	expect(twin.headers()['content-type']).toMatch(/^text\/markdown/);
	const markdown = await twin.text();
	expect(markdown).toMatch(/^# The autoregressive loop\n/);
	expect(markdown).toContain('## Why it matters');
	expect(markdown).toContain('```python\n# The autoregressive loop, conceptually');
	expect(markdown).toContain('    for _ in range(max_new):\n        logits = model.forward(ids)');
	for (const prompt of tryItPrompts) expect(markdown).toContain(prompt);
	// Page chrome stays out of the Markdown.
	expect(markdown).not.toContain('Open in ChatGPT');
	expect(markdown).not.toContain('Copy link to section');

	const llms = await request.get(localUrl('llms.txt'));
	expect(llms.status()).toBe(200);
	const index = await llms.text();
	expect(index).toMatch(/^# Token by Token\n\n> /);
	expect(index).toContain(`](${publicUrl('llms-full.txt')})`);

	const full = await request.get(localUrl('llms-full.txt'));
	expect(full.status()).toBe(200);
	const fullText = await full.text();
	expect(fullText).toContain('# The autoregressive loop');
	expect(fullText).toContain('tokenizer.decode(ids)');
});

test('links inside the site respect the base path', async ({ page, request }) => {
	for (const path of ['./', lessonPath]) {
		await page.goto(path);
		const hrefs = await page.locator('a[href^="/"], link[href^="/"], script[src^="/"]').evaluateAll((els) =>
			els.map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? '')
		);
		expect(hrefs.length).toBeGreaterThan(0);
		for (const href of hrefs) expect(href, `${href} on ${path}`).toMatch(new RegExp(`^${basePath}`));
	}
	const lessonTwin = await request.get(localUrl('lessons/the-autoregressive-loop.md'));
	expect(lessonTwin.ok()).toBe(true);
});
