// The WebGPU path, forced onto Chromium's software adapter (SwiftShader): it must produce the
// same greedy tokens as WASM. `auto` would never pick a fallback adapter, so the spec forces it.
import { test, expect } from '../support/fixtures';
import { chromiumArgs, findChromium } from '../support/chromium.mjs';
import { doneOf, greedy, openHarness } from './runtime-harness';

const chromium = findChromium();
test.use({
	launchOptions: {
		executablePath: chromium?.path,
		args: [
			...chromiumArgs,
			'--enable-unsafe-webgpu',
			'--enable-features=Vulkan',
			'--use-angle=swiftshader',
			'--use-webgpu-adapter=swiftshader',
		],
	},
});

test('WebGPU (SwiftShader) produces the same greedy tokens as WASM', async ({ page }) => {
	// SwiftShader compiles shaders on the CPU: slow, but correct.
	test.setTimeout(600_000);
	await openHarness(page);

	const adapter = await page.evaluate(async () => {
		if (!('gpu' in navigator)) return { ok: false, why: 'navigator.gpu is missing' };
		const a = await (navigator as any).gpu.requestAdapter();
		if (!a) return { ok: false, why: 'requestAdapter() returned null' };
		return {
			ok: true,
			fallback: Boolean(a.info?.isFallbackAdapter),
			name: `${a.info?.vendor} ${a.info?.architecture}`,
		};
	});
	test.skip(!adapter.ok, `No WebGPU adapter in this Chromium even with --enable-unsafe-webgpu: ${adapter.why}`);

	// auto treats a software adapter as no WebGPU.
	if (adapter.fallback) {
		const auto = await page.evaluate(() => window.runtimeHarness.load({ backend: 'auto' }));
		expect(auto.info.backend).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/fallback/) });
	} else {
		expect((await page.evaluate(() => window.runtimeHarness.load({ backend: 'wasm' }))).error).toBeUndefined();
	}
	const prompt = 'In the beginning God created';
	const wasm = await page.evaluate(([p, s]) => window.runtimeHarness.run(p, s), [prompt, greedy(4, 'cached')] as const);
	expect(wasm.error).toBeUndefined();
	const wasmIds = doneOf(wasm.events).ids;

	const gpu = await page.evaluate(() => window.runtimeHarness.load({ backend: 'webgpu' }));
	expect(gpu.error).toBeUndefined();
	expect(gpu.info.backend).toMatchObject({ backend: 'webgpu', fellBack: false });
	const cached = await page.evaluate(([p, s]) => window.runtimeHarness.run(p, s), [
		prompt,
		greedy(4, 'cached'),
	] as const);
	expect(cached.error).toBeUndefined();
	expect(doneOf(cached.events).ids).toEqual(wasmIds);
	const naive = await page.evaluate(([p, s]) => window.runtimeHarness.run(p, s), [prompt, greedy(2, 'naive')] as const);
	expect(naive.error).toBeUndefined();
	const promptLength = naive.events[0]!.step === 'encode' ? naive.events[0]!.ids.length : 0;
	expect(doneOf(naive.events).ids).toEqual(wasmIds.slice(0, promptLength + 2));
});
