import { defineConfig } from '@playwright/test';
import { chromiumArgs, findChromium } from './tests/support/chromium.mjs';
import { basePath, localSiteUrl, port } from './tests/support/site.mjs';

// `npm test` finds or installs Chromium first and passes it in CHROMIUM_PATH; run directly,
// this falls back to whatever Chromium the finder sees.
const chromium = findChromium();
if (!chromium) {
	throw new Error('No Chromium found. Run `npm test` (which installs one), or set CHROMIUM_PATH.');
}

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.spec.ts',
	outputDir: 'test-results/playwright',
	fullyParallel: true,
	forbidOnly: Boolean(process.env.CI),
	retries: 0,
	workers: 2,
	// Generous: CI machines have two cores, and some specs load a real model.
	timeout: 120_000,
	expect: { timeout: 15_000 },
	reporter: [['list']],
	use: {
		baseURL: localSiteUrl,
		browserName: 'chromium',
		headless: true,
		launchOptions: { executablePath: chromium.path, args: chromiumArgs },
		permissions: ['clipboard-read', 'clipboard-write'],
		trace: 'retain-on-failure',
	},
	// Always the built site (dist/), never the dev server. Set CROSS_ORIGIN_ISOLATION=1 to serve
	// it with the COOP/COEP headers that multi-threaded WebAssembly needs.
	webServer: {
		command: `"${process.execPath}" tests/support/serve.mjs --port ${port} --base ${basePath}`,
		url: localSiteUrl,
		reuseExistingServer: false,
		stdout: 'ignore',
		stderr: 'pipe',
		timeout: 30_000,
	},
});
