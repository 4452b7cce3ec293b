// Checks that apply to every page of the site: found from the sitemap, plus the 404 page and the
// test-only pages under /dev/, which the sitemap leaves out but a reader could still open.
import { test, expect, expectAccessible, localUrl, publicSiteUrl } from '../support/fixtures';

const sitemapPages = async (request: import('@playwright/test').APIRequestContext) => {
	const xml = await (await request.get(localUrl('sitemap-0.xml'))).text();
	const urls = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1] ?? '');
	// The sitemap holds public URLs; visit the same paths on the local server.
	const devPages = [
		'dev/runnable-blocks/',
		'dev/naive-vs-cached/',
		'dev/batched-rows/',
		'dev/runtime-harness/',
		'dev/sizing-calculator/',
	].map((path) => localUrl(path));
	return [...urls.map((url) => localUrl(url.slice(publicSiteUrl.length))), ...devPages];
};

for (const colorScheme of ['light', 'dark'] as const) {
	test(`every page passes axe-core without serious or critical violations (${colorScheme} theme)`, async ({
		page,
		request,
	}) => {
		await page.emulateMedia({ colorScheme });
		const pages = await sitemapPages(request);
		// Each page takes a load and an axe run; the budget grows as lessons are added.
		test.setTimeout(pages.length * 30_000);
		expect(pages).toContain(localUrl('lessons/the-autoregressive-loop/'));
		// Check every page before failing, so one report lists all of them.
		const failures: string[] = [];
		for (const url of pages) {
			await page.goto(url);
			// Starlight pages follow the system theme unless the reader picks one.
			if (await page.locator('html[data-theme]').count()) {
				await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
			}
			try {
				await expectAccessible(page);
			} catch (error) {
				failures.push(error instanceof Error ? error.message : String(error));
			}
		}
		expect(failures, failures.join('\n\n')).toEqual([]);
	});
}

test('no page logs a console error', async ({ page, request, consoleErrors }) => {
	const pages = await sitemapPages(request);
	expect(pages.length).toBeGreaterThanOrEqual(2);
	const errorsByPage: Record<string, string[]> = {};
	for (const url of pages) {
		await page.goto(url);
		await page.waitForLoadState('networkidle');
		if (consoleErrors.length) errorsByPage[url] = consoleErrors.splice(0);
	}
	expect(errorsByPage).toEqual({});
});

test.describe('the 404 page', () => {
	// Requesting a missing page is itself logged by the browser as a failed resource load.
	test.use({ allowedConsoleErrors: [/Failed to load resource: the server responded with a status of 404/] });

	test('is served for a missing page, without other console errors, and is accessible', async ({ page }) => {
		const response = await page.goto('no-such-page/');
		expect(response?.status()).toBe(404);
		await expect(page.locator('h1')).toHaveText('404');
		await page.waitForLoadState('networkidle');
		await expectAccessible(page);
	});
});
