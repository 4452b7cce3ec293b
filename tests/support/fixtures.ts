/**
 * Shared Playwright fixtures for every end-to-end spec. Import `test` and `expect` from here
 * instead of from '@playwright/test':
 *
 *   import { test, expect, expectAccessible } from '../support/fixtures';
 *
 * - Every test fails if the page logs a console error or throws an uncaught exception. A spec
 *   that expects specific errors lists them: `test.use({ allowedConsoleErrors: [/pattern/] })`.
 * - `consoleErrors` is the live list, for tests that want to assert on it mid-test.
 * - `expectAccessible(page)` runs axe-core and fails on serious or critical violations.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { AxeBuilder } from '@axe-core/playwright';

export { expect };
export { localUrl, publicUrl, localSiteUrl, publicSiteUrl, basePath } from './site.mjs';

interface Fixtures {
	allowedConsoleErrors: RegExp[];
	consoleErrors: string[];
}

export const test = base.extend<Fixtures>({
	allowedConsoleErrors: [[], { option: true }],
	consoleErrors: [
		async ({ page, allowedConsoleErrors }, use) => {
			const errors: string[] = [];
			page.on('console', (message) => {
				if (message.type() !== 'error') return;
				const location = message.location().url;
				errors.push(location ? `${message.text()} (${location})` : message.text());
			});
			page.on('pageerror', (error) => errors.push(`Uncaught: ${error.message}`));
			await use(errors);
			const unexpected = errors.filter((error) => !allowedConsoleErrors.some((pattern) => pattern.test(error)));
			expect(unexpected, 'console errors on the page').toEqual([]);
		},
		{ auto: true },
	],
});

/** Fails on any serious or critical axe-core violation (WCAG 2.x A and AA rules and best practices). */
export async function expectAccessible(page: Page): Promise<void> {
	const results = await new AxeBuilder({ page }).analyze();
	const serious = results.violations
		.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
		.map((violation) => ({
			rule: violation.id,
			impact: violation.impact,
			help: violation.help,
			targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
		}));
	expect(serious, `axe violations on ${page.url()}`).toEqual([]);
}

/** Reads the clipboard of the page's browser context (the config grants clipboard permissions). */
export async function readClipboard(page: Page): Promise<string> {
	return page.evaluate(() => navigator.clipboard.readText());
}
