// "Ask AI about this step" with a prompt that is short to read but long once percent-encoded
// (issue 18): on the built site, with the real model, the links must work and the full question
// must reach the clipboard. The fixtures fail the test on any uncaught error in the page.
import { test, expect, localUrl, readClipboard } from '../support/fixtures';
import { LOAD_TIMEOUT } from '../support/site-model';

const LESSON = 'lessons/the-autoregressive-loop/';
const PROMPTS = {
	'160 CJK characters': '起初，神创造天地。地是空虚混沌，渊面黑暗；神的灵运行在水面上。'.repeat(6).slice(0, 160),
	'100 emoji': '🙂'.repeat(100),
};

test.describe('Ask AI about this step: prompts that are long once encoded', () => {
	test.describe.configure({ timeout: 240_000 });

	for (const [name, prompt] of Object.entries(PROMPTS)) {
		test(`${name}: both links carry a short question, and a click puts the full one on the clipboard`, async ({
			page,
		}) => {
			// The assistants are not reachable from the test machine: answer the new tab locally.
			await page
				.context()
				.route(/^https:\/\/(chatgpt\.com|claude\.ai)\//, (route) =>
					route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>assistant</title>' }),
				);
			await page.goto(LESSON);
			const b = page.locator('#rc-generate');
			await b.locator('[data-rc="prompt"]').fill(prompt);
			await b.locator('[data-rc="max"]').fill('3');
			await b.locator('[data-rc="speed"][value="realtime"]').check();
			await b.locator('[data-rc="run"]').click();
			await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });

			for (const [assistant, origin] of [
				['chatgpt', 'https://chatgpt.com/'],
				['claude', 'https://claude.ai/new'],
			] as const) {
				const link = b.locator(`[data-rc="ask"][data-assistant="${assistant}"]`);
				await link.hover();
				const href = (await link.getAttribute('href'))!;
				expect(href.startsWith(`${origin}?q=`)).toBe(true);
				expect(href.length).toBeLessThanOrEqual(2000);
				const q = new URL(href).searchParams.get('q')!;
				expect(q).toContain(`${localUrl(LESSON)}#rc-generate`);
				expect(q).toContain('Explain this step');

				const popup = page.waitForEvent('popup');
				await link.click();
				await (await popup).close();
				await expect(b.locator('[data-rc="share-status"]')).toContainText('on your clipboard');
				const question = await readClipboard(page);
				expect(question).toContain('```');
				expect(question).toContain(`Prompt: ${JSON.stringify(prompt)}`);
			}
		});
	}
});
