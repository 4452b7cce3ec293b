import type { Page } from '@playwright/test';
import { test, expect, basePath } from '../support/fixtures';

// Pagefind's UI (26 KB gzip) is fetched when the reader reaches for search, not with the page
// (src/search/pagefind-on-intent.ts); these check both halves of that promise.
const lessonPath = 'lessons/latency-and-streaming/';
const pagefindUi = /\/_astro\/ui-core\.[^/]*\.js$/;
const searchButton = 'site-search button[data-open-modal]';
const input = 'site-search dialog .pagefind-ui__search-input';
const kvCacheResult = `site-search .pagefind-ui__result-link[href^="${basePath}lessons/the-kv-cache/"]`;

async function expectKvCacheFound(page: Page) {
	await expect(page.locator(input)).toHaveValue('cache');
	await expect(page.locator(kvCacheResult).first()).toBeVisible();
}

test('a lesson page does not fetch the search UI until the reader reaches for search', async ({ page }) => {
	const requested: string[] = [];
	page.on('request', (request) => requested.push(request.url()));
	await page.goto(lessonPath);
	await page.waitForLoadState('networkidle');
	// Starlight used to fetch it on idle, right after load; give that path time to show itself.
	await page.waitForTimeout(2_000);
	expect(requested.filter((url) => pagefindUi.test(url))).toEqual([]);

	// Pointing at the button is enough to start fetching it, so it is there by the click.
	const fetched = page.waitForRequest(pagefindUi);
	await page.locator(searchButton).hover();
	await fetched;
	await expect(page.locator('site-search dialog')).not.toBeVisible();
});

test('the Search button opens search with the input focused, and typing finds the KV cache lesson', async ({
	page,
}) => {
	await page.goto(lessonPath);
	await page.locator(searchButton).click();
	await expect(page.locator(input)).toBeFocused();
	await page.keyboard.type('cache');
	await expectKvCacheFound(page);

	// The results are reachable and followable from the keyboard.
	const result = page.locator(kvCacheResult).first();
	await result.focus();
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(new RegExp(`${basePath}lessons/the-kv-cache/`));
	await expect(page.locator('h1')).toHaveText('The KV cache');
});

test('Ctrl+K opens search with the input focused, and Escape closes it', async ({ page }) => {
	await page.goto(lessonPath);
	await page.keyboard.press('Control+k');
	await expect(page.locator(input)).toBeFocused();
	await page.keyboard.type('cache');
	await expectKvCacheFound(page);
	await page.keyboard.press('Escape');
	await expect(page.locator('site-search dialog')).not.toBeVisible();
});

test('what is typed while the search UI is still on its way is searched for when it arrives', async ({ page }) => {
	// A slow network: the UI arrives only after the reader has typed.
	let release = () => {};
	const typed = new Promise<void>((resolve) => (release = resolve));
	await page.route(pagefindUi, async (route) => {
		await typed;
		await route.continue();
	});
	await page.goto(lessonPath);
	// Starlight sets search up on idle after load; keys pressed before that were never caught.
	await page.waitForLoadState('networkidle');
	await page.keyboard.press('Control+k');
	await expect(page.locator('site-search dialog')).toBeVisible();
	await page.keyboard.type('cache');
	await expect(page.locator(input)).toHaveCount(0);
	release();
	await expect(page.locator(input)).toBeFocused();
	await expectKvCacheFound(page);
});
