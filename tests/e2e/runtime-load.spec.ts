// Downloads that go wrong, in Chromium on the built site through the harness page: a model
// request that never answers becomes a 'stalled' error (the page's own stallTimeoutMs load
// option, shortened here), and a load the page abandons stops its downloads and rejects as
// 'cancelled'. In both cases a later load works.
import type { Route } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { openHarness } from './runtime-harness';

const ONNX = '**/models/kjv-gpt-2m/onnx/model_quantized.onnx';

test.describe('runtime downloads that go wrong', () => {
	test.describe.configure({ timeout: 300_000 });

	test('a model request that never answers fails as stalled within the stall timeout; Retry loads', async ({
		page,
	}) => {
		const held: Route[] = [];
		await page.route(ONNX, (route) => void held.push(route)); // never fulfilled
		await openHarness(page);
		const load = await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm', stallTimeoutMs: 2000 }));
		expect(held.length).toBe(1);
		expect(load.ok).toBe(false);
		expect(load.error).toMatchObject({
			name: 'RuntimeError',
			kind: 'stalled',
			message: expect.stringMatching(
				/^The model download stalled: no response for 2 s from http.*model_quantized\.onnx$/,
			),
		});

		await page.unroute(ONNX);
		const retry = await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }));
		expect(retry.error).toBeUndefined();
		expect(retry.info).toMatchObject({ modelId: 'kjv-gpt-2m' });
	});

	test('abandoning a load aborts the model request and rejects as cancelled; a later load works', async ({ page }) => {
		const held: Route[] = [];
		await page.route(ONNX, (route) => void held.push(route));
		const failed: string[] = [];
		page.on('requestfailed', (r) => failed.push(`${new URL(r.url()).pathname} ${r.failure()?.errorText}`));
		await openHarness(page);
		const load = await page.evaluate(() => window.runtimeHarness.loadThenCancel({ backend: 'wasm' }, 1500));
		expect(held.length).toBe(1);
		expect(load).toMatchObject({
			ok: false,
			error: { name: 'RuntimeError', kind: 'cancelled', message: 'The model load was cancelled.' },
		});
		// The worker aborted the request itself: the browser reports it failed, while nobody fulfilled it.
		await expect.poll(() => failed.some((f) => /model_quantized\.onnx net::ERR_ABORTED/.test(f))).toBe(true);

		await page.unroute(ONNX);
		const again = await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }));
		expect(again.error).toBeUndefined();
		expect(again.info).toMatchObject({ modelId: 'kjv-gpt-2m' });
	});
});
