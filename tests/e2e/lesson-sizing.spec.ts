// Lesson 7, sizing a GPU and pricing a token: its shape, the calculator on the lesson page, and the
// calculator's first row measured by a real run of the shipped model on the built site.
// (The calculator's inputs, edge cases and accessibility in depth: sizing-calculator.spec.ts; every
// page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import { readFileSync } from 'node:fs';
import { test, expect, expectAccessible, localUrl } from '../support/fixtures';
import { expectLessonShape, type LessonSection } from '../support/lessons';
import { calculatorView, DEFAULT_STATE, FIGURES } from '../../src/components/sizing-calculator/view';
import { formatDecimalBytes, formatSignificant } from '../../src/serving-math/format';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { stream } from '../../src/runtime/loops/stream';
import type { StreamDoneEvent } from '../../src/runtime/loops/stream-events';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const lessonPath = 'lessons/sizing-a-gpu-and-pricing-a-token/';
const source = readFileSync(new URL('../../src/content/docs/lessons/07-sizing-and-cost.mdx', import.meta.url), 'utf8');
const DEFAULT_PROMPT = /<Run id="measure"[^>]*\bprompt="([^"]+)"/.exec(source)?.[1];
const ONNX_BYTES = readFileSync(
	new URL('../../public/models/kjv-gpt-2m/onnx/model_quantized.onnx', import.meta.url),
).byteLength;

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'three-formulas', text: 'Three formulas' },
	{
		level: 'h3',
		id: 'memory-the-weights-plus-every-token-in-flight',
		text: 'Memory: the weights, plus every token in flight',
	},
	{
		level: 'h3',
		id: 'time-a-decode-step-cannot-beat-the-memory-bus',
		text: 'Time: a decode step cannot beat the memory bus',
	},
	{
		level: 'h3',
		id: 'money-the-price-of-an-hour-over-the-tokens-in-it',
		text: 'Money: the price of an hour over the tokens in it',
	},
	{ level: 'h2', id: 'the-calculator', text: 'The calculator' },
	// The calculator's own headings.
	{ level: 'h3', id: 'sizing-inputs', text: 'Inputs' },
	{ level: 'h3', id: 'sizing-results', text: 'Results' },
	{ level: 'h3', id: 'sizing-rows', text: 'This page’s model beside the configuration' },
	{ level: 'h3', id: 'what-to-try', text: 'What to try' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

test('lesson 7 sits after the lessons before it, with its sections in order and stable anchors', async ({ page }) => {
	await page.goto(lessonPath);
	await expectLessonShape(page, {
		title: 'Sizing a GPU and pricing a token',
		path: lessonPath,
		sections: lessonSections,
	});
	await expect(page.locator('#starlight__sidebar a[aria-current="page"]')).toHaveText(
		'Sizing a GPU and pricing a token',
	);
});

test('the listing is annotated with the stream loop’s steps and reads without them', async ({ page }) => {
	await page.goto(lessonPath);
	const listing = page.locator('#rc-measure pre');
	for (const step of LOOP_VOCABULARIES.stream)
		expect(await listing.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
	await expect(listing.locator('.line[data-step="done"]').last()).toContainText(
		'return model.weight_bytes, kv_per_token, ms_per_token',
	);
	await expect(page.locator('.sl-markdown-content')).not.toContainText('[!step');
	await expect(page.locator('.sl-markdown-content')).not.toContainText('not live yet');
	expect(DEFAULT_PROMPT).toBeTruthy();
	await expect(page.locator('#rc-measure [data-rc="prompt"]')).toHaveValue(DEFAULT_PROMPT!);
});

test('changing an input on the lesson page updates every figure from the formulas', async ({ page }) => {
	await page.goto(lessonPath);
	const calculator = page.locator('sizing-calculator');
	const users = calculator.locator('[name="users"]');
	await users.fill('16');
	await users.press('Tab');
	await calculator.locator('[name="gpuId"]').selectOption('l4');
	const view = calculatorView({ ...DEFAULT_STATE, users: 16, gpuId: 'l4' });
	for (const key of FIGURES)
		await expect(calculator.locator(`dd [data-figure="${key}"]`), key).toHaveText(view.figures[key].value);
	await expect(calculator.locator('[data-verdict]')).toHaveText(view.verdict);
	await expect(calculator.locator('[data-chart-desc]')).toHaveText(view.chart.description);
});

test('a real run of the page’s model fills in the calculator’s measured row', async ({ page }) => {
	test.setTimeout(240_000);
	await page.goto(lessonPath);
	const run = page.locator('#rc-measure');
	const row = page.locator('sizing-calculator [data-measured-row]');
	const measure = run.locator('rc-measure');
	await expect(row.locator('[data-measured-status]')).toHaveText('Not measured yet — run the model.');
	await expect(measure).toHaveText('Run the model to measure it on your device.');
	await run.locator('[data-rc="run"]').click();
	await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });

	await expect(row.locator('[data-measured-status]')).toHaveText(/^Measured here \((wasm|webgpu)\)\.$/);
	const ms = Number(await measure.getAttribute('data-ms-per-token'));
	expect(ms).toBeGreaterThan(0);
	await expect(row.locator('[data-measured="weights"]')).toHaveText(formatDecimalBytes(ONNX_BYTES));
	// 2 × 4 layers × 4 KV heads × 48 head dim × 4 bytes, read from the live tensors.
	await expect(row.locator('[data-measured="kvPerToken"]')).toHaveText('6,144 B');
	await expect(row.locator('[data-measured="msPerToken"]')).toHaveText(`${formatSignificant(ms)} ms`);
	await expect(row.locator('[data-measured="tokensPerHour"]')).toHaveText(formatSignificant(3_600_000 / ms));
	await expect(measure).toHaveText(
		/^Measured here \((wasm|webgpu)\): [\d.,]+ ms a decode step on average over \d+ steps?, 6,144 bytes of cache a token, [\d.]+ MB of weights\. The calculator’s first row below shows them\.$/,
	);
	// The chart of passes is measured here too, a bar per pass.
	await expect(run.locator('rc-chart')).toContainText('measured here');
	await expect(run.locator('rc-chart svg g.rc-series rect').first()).toBeVisible();
	const text = await page.locator('sizing-calculator').innerText();
	expect(text).not.toMatch(/NaN|Infinity|undefined/);
	await expectAccessible(page);

	// Reset keeps the last measurement; a run of one token says there was nothing to time.
	await run.locator('[data-rc="reset"]').click();
	await expect(row.locator('[data-measured="kvPerToken"]')).toHaveText('6,144 B');
	await run.locator('[data-rc="max"]').fill('1');
	await run.locator('[data-rc="run"]').click();
	await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
	await expect(measure).toHaveText(
		'Nothing measured: This run made one token, so it had no decode step to time. Run a prompt that writes more.',
	);
	await expect(row.locator('[data-measured="kvPerToken"]')).toHaveText('6,144 B');
});

test('Reset mid-run sends nothing; Stop mid-run measures the steps that ran', async ({ page }) => {
	test.setTimeout(240_000);
	// A prompt whose greedy run, in Node, lasts 60 tokens, so there is time to press Reset and Stop.
	const model = await siteModel();
	let longPrompt: string | undefined;
	for (const prompt of ['In the beginning', 'My son,', 'Thus saith the LORD,', 'Hear, O Israel:']) {
		const events = await collect(stream(model, prompt, { maxNewTokens: 60, sampling: { strategy: 'greedy' } }));
		if ((events.at(-1) as StreamDoneEvent).reason === 'max_new') {
			longPrompt = prompt;
			break;
		}
	}
	expect(longPrompt, 'a prompt whose greedy run lasts 60 tokens').toBeDefined();
	await page.goto(lessonPath);
	const run = page.locator('#rc-measure');
	const row = page.locator('sizing-calculator [data-measured-row]');
	await run.locator('[data-rc="prompt"]').fill(longPrompt!);
	await run.locator('[data-rc="max"]').fill('200');
	// Slow motion, so the run is still going when Reset and Stop are pressed (the step times are
	// the passes' own, whatever the pace).
	await run.locator('[data-rc="speed"][value="slow"]').check();
	const runUntil = async (events: number) => {
		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await run.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThan(events);
	};
	await runUntil(20);
	await run.locator('[data-rc="reset"]').click();
	await expect(run).toHaveAttribute('data-state', 'idle');
	await expect(row.locator('[data-measured-status]')).toHaveText('Not measured yet — run the model.');
	await expect(run.locator('rc-measure')).toHaveText('Run the model to measure it on your device.');

	await runUntil(20);
	await run.locator('[data-rc="stop"]').click();
	await expect(run).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
	await expect(row.locator('[data-measured-status]')).toHaveText(/^Measured here \((wasm|webgpu)\)\.$/);
	await expect(row.locator('[data-measured="kvPerToken"]')).toHaveText('6,144 B');
	const generated = await run.locator('[data-rc="chips"] .rc-chip--gen').count();
	expect(generated).toBeLessThan(200);
	// Every decode pass that ran is timed: one a token after the first, and the pass a Stop cut short
	// of its token, if any.
	const steps = Number(/over (\d+) steps/.exec((await run.locator('rc-measure').textContent()) ?? '')?.[1]);
	expect([generated - 1, generated]).toContain(steps);
});

test('at 375 px the run and the calculator fit the page', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 812 });
	await page.goto(lessonPath);
	expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
	expect((await page.locator('#rc-measure').boundingBox())!.width).toBeLessThanOrEqual(375);
	await expectAccessible(page);
});

test('the Markdown twin has the listing and the figures, without the page’s controls', async ({ request }) => {
	const response = await request.get(localUrl('lessons/sizing-a-gpu-and-pricing-a-token.md'));
	expect(response.status()).toBe(200);
	const markdown = await response.text();
	expect(markdown).toContain('def measure(model, tokenizer, prompt, max_new=40):');
	expect(markdown).toContain('131,072');
	expect(markdown).not.toContain('[!step');
	expect(markdown).not.toContain('Turn on JavaScript');
});

test.describe('lesson 7 without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('still reads as a lesson: the listing and the default figures, no empty demo cards', async ({ page }) => {
		await page.goto(lessonPath);
		await expect(page.locator('h1')).toHaveText('Sizing a GPU and pricing a token');
		await expect(page.locator('#rc-measure pre')).toBeVisible();
		await expect(page.locator('#rc-measure [data-rc="app"]')).toBeHidden();
		await expect(page.locator('sizing-calculator dd [data-figure="kvPerToken"]')).toHaveText('131,072 B');
		await expect(page.locator('sizing-calculator [data-measured-status]')).toHaveText(
			'Not measured yet — run the model.',
		);
	});
});
