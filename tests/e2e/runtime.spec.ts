// The runtime in a real browser (Chromium, WASM), through the test-only harness page
// src/pages/dev/runtime-harness.astro, which loads it exactly as a widget does.
import { test, expect, localUrl, basePath } from '../support/fixtures';
import type { DoneEvent, GenerateSettings } from '../../src/runtime/events';
import { greedy, openHarness } from './runtime-harness';

test.describe('runtime on WASM in Chromium', () => {
	// Generous: the suite shares a few CPU cores with builds and other browsers.
	test.describe.configure({ timeout: 300_000 });

	test('loads the bundled model with the WASM-only ORT build, streams both modes with equal greedy tokens', async ({
		page,
	}) => {
		const requests: string[] = [];
		page.on('request', (r) => requests.push(r.url()));
		await openHarness(page);

		const load = await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }));
		expect(load.error).toBeUndefined();
		expect(load.info).toMatchObject({
			modelId: 'kjv-gpt-2m',
			dtype: 'q8',
			contextSize: 256,
			vocabSize: 2048,
			eosId: 2047,
		});
		expect(load.info.backend).toMatchObject({
			backend: 'wasm',
			fellBack: false,
			threads: 1,
			reason: expect.stringMatching(/WASM forced/),
		});
		const last = load.progress!.at(-1);
		expect(last.overallLoaded).toBe(last.overallTotal);
		// Progress covers ORT's binary (the biggest file) as well as the model's files.
		expect(new Set(load.progress!.map((p) => p.file))).toEqual(
			new Set([
				'config.json',
				'tokenizer.json',
				'tokenizer_config.json',
				'onnx/model_quantized.onnx',
				'ort-wasm-simd-threaded.wasm.zst',
			]),
		);

		// Runtime files come from the site itself, and only the WASM build's binary, packed.
		const ort = requests.filter((u) => /ort[-.][^/]*\.(wasm|wasm\.zst|mjs)$/.test(u)).map((u) => new URL(u).pathname);
		expect(ort).toContain(new URL(localUrl('ort/ort-wasm-simd-threaded.wasm.zst')).pathname);
		expect(ort).not.toContain(new URL(localUrl('ort/ort-wasm-simd-threaded.wasm')).pathname);
		expect(ort.some((p) => p.includes('asyncify'))).toBe(false);
		expect(requests.every((u) => new URL(u).origin === new URL(localUrl('')).origin || u.startsWith('data:'))).toBe(
			true,
		);

		const cached = await page.evaluate(
			(s) => window.runtimeHarness.run('In the beginning God created', s),
			greedy(12, 'cached'),
		);
		expect(cached.error).toBeUndefined();
		const steps = cached.events.map((e) => e.step);
		expect(steps[0]).toBe('encode');
		expect(steps.at(-1)).toBe('done');
		expect(steps.slice(1, 6)).toEqual(['forward', 'last-logits', 'select', 'append', 'eos-check']);
		const done = cached.events.at(-1) as DoneEvent;
		expect(['max_new', 'eos']).toContain(done.reason);
		expect(done.stats.newTokens).toBeGreaterThan(0);
		expect(done.stats.perTokenMs).toHaveLength(done.stats.newTokens);
		const forwards = cached.events.filter((e) => e.step === 'forward');
		expect(forwards.slice(1).every((f) => f.step === 'forward' && f.usedCache && f.inputLength === 1)).toBe(true);

		const naive = await page.evaluate(
			(s) => window.runtimeHarness.run('In the beginning God created', s),
			greedy(12, 'naive'),
		);
		expect(naive.error).toBeUndefined();
		expect((naive.events.at(-1) as DoneEvent).ids).toEqual(done.ids);
		expect(naive.events.filter((e) => e.step === 'forward').every((f) => f.step === 'forward' && !f.usedCache)).toBe(
			true,
		);

		// The model runs in a worker: the page kept painting frames throughout.
		expect(cached.frames.frames).toBeGreaterThan(0);
	});

	test('single-step, stop, bad settings and edge prompts behave as specified', async ({ page }) => {
		await openHarness(page);
		expect((await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }))).error).toBeUndefined();

		const r = await page.evaluate(
			(s) => window.runtimeHarness.stepThenStop('In the beginning', s, 3),
			greedy(50, 'cached'),
		);
		expect(r.stepped.map((e) => e.step)).toEqual(['encode', 'forward', 'last-logits']);
		expect(r.extra).toBe('none');
		expect(r.done).toMatchObject({ step: 'done', reason: 'stopped' });
		expect(r.done.stats.newTokens).toBeLessThanOrEqual(1);

		const bad = await page.evaluate(() =>
			window.runtimeHarness.run('x', {
				maxNewTokens: 5,
				mode: 'cached',
				sampling: { strategy: 'sample', temperature: 1, topK: 0, topP: 2, seed: 1 },
			}),
		);
		expect(bad.error).toMatchObject({
			name: 'RuntimeError',
			kind: 'bad-settings',
			message: expect.stringMatching(/sampling\.topP/),
		});

		const empty = await page.evaluate((s) => window.runtimeHarness.run('', s), greedy(2, 'cached'));
		expect(empty.events[0]).toMatchObject({ step: 'encode', ids: [2047], startedFromBos: true });

		const long = await page.evaluate(
			(s) => window.runtimeHarness.run('Let there be light. '.repeat(200), s),
			greedy(3, 'cached'),
		);
		expect(long.events[0]).toMatchObject({ step: 'encode', truncated: { contextSize: 256 } });
		expect(['context-full', 'eos']).toContain((long.events.at(-1) as DoneEvent).reason);

		const seeded = {
			maxNewTokens: 10,
			mode: 'cached' as const,
			sampling: { strategy: 'sample' as const, temperature: 1.3, topK: 40, topP: 0.95, seed: 2024 },
		};
		const a = await page.evaluate((s) => window.runtimeHarness.run('And God said', s), seeded);
		const b = await page.evaluate((s) => window.runtimeHarness.run('And God said', s), seeded);
		expect((b.events.at(-1) as DoneEvent).ids).toEqual((a.events.at(-1) as DoneEvent).ids);
	});
});

test.describe('runtime load errors', () => {
	// The browser logs the failed request itself.
	test.use({ allowedConsoleErrors: [/Failed to load resource: the server responded with a status of 404/] });

	test('a missing model rejects load() with a clear error instead of hanging', async ({ page }) => {
		await openHarness(page);
		const load = await page.evaluate(() =>
			window.runtimeHarness.load({ model: 'models/no-such-model/', backend: 'wasm' }),
		);
		expect(load.ok).toBe(false);
		expect(load.error).toMatchObject({
			name: 'RuntimeError',
			kind: 'not-found',
			message: expect.stringMatching(/no-such-model\/[\w./-]+ was not found \(HTTP 404/),
		});
	});
});

test.describe('runtime when cross-origin isolated', () => {
	// A second server for the same build, sending COOP/COEP, so this spec does not depend on how
	// the suite's server was started.
	let server: import('node:http').Server;
	let origin = '';
	test.beforeAll(async () => {
		const { createStaticServer } = await import('../support/serve.mjs');
		server = createStaticServer({
			dir: process.env.RUNTIME_DIST_DIR ?? 'dist',
			base: basePath,
			crossOriginIsolation: true,
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		origin = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
	});
	test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

	test('uses several threads and produces the same tokens as one thread', async ({ page }) => {
		test.setTimeout(300_000);
		await openHarness(page);
		expect((await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }))).error).toBeUndefined();
		const single = await page.evaluate(
			(s) => window.runtimeHarness.run('In the beginning God created', s),
			greedy(6, 'cached'),
		);

		await page.goto(`${origin}${basePath}dev/runtime-harness/`);
		await expect(page.locator('#status')).toHaveText('ready');
		expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
		const load = await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }));
		expect(load.error).toBeUndefined();
		const cores = await page.evaluate(() => navigator.hardwareConcurrency);
		expect(load.info.backend.threads).toBe(Math.min(4, cores));
		const threaded = await page.evaluate(
			(s) => window.runtimeHarness.run('In the beginning God created', s),
			greedy(6, 'cached'),
		);
		expect(threaded.error).toBeUndefined();
		expect((threaded.events.at(-1) as DoneEvent).ids).toEqual((single.events.at(-1) as DoneEvent).ids);
	});
});
