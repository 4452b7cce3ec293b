// Lesson 3, latency and streaming: its sections, listings, figure and sources, and the live demo
// on the built site with the real model.
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import type { Page } from '@playwright/test';
import { test, expect, expectAccessible, basePath } from '../support/fixtures';
import { expectLessonShape, expectReadsWithoutJavaScript, type LessonSection } from '../support/lessons';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { LOAD_TIMEOUT } from '../support/site-model';

const lessonPath = 'lessons/latency-and-streaming/';

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'two-numbers-describe-a-request', text: 'Two numbers describe a request' },
	{
		level: 'h3',
		id: 'why-the-prompt-is-cheap-per-token-and-the-reply-is-not',
		text: 'Why the prompt is cheap per token and the reply is not',
	},
	{ level: 'h2', id: 'run-it', text: 'Run it' },
	{ level: 'h3', id: 'what-to-watch', text: 'What to watch' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h2', id: 'streaming-moves-the-wait-not-the-work', text: 'Streaming moves the wait, not the work' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

test('lesson 3 follows lesson 2 and has its sections, in order, with stable anchors', async ({ page }) => {
	await page.goto(lessonPath);
	await expectLessonShape(page, {
		title: 'Latency and streaming',
		prev: `${basePath}lessons/the-kv-cache/`,
		sections: lessonSections,
	});
});

test('the streaming and buffered listings are on the page without step annotations', async ({ page }) => {
	await page.goto(lessonPath);
	const content = page.locator('.sl-markdown-content');
	await expect(content).toContainText('def stream(model, tokenizer, prompt, max_new=50):');
	await expect(content).toContainText('logits = model.forward(ids, cache)');
	await expect(content).toContainText('yield next_id');
	await expect(content).toContainText('def complete(model, tokenizer, prompt, max_new=50):');
	await expect(content).not.toContainText('[!step');
});

test('the figure names both panels, describes them, and does not rely on colour alone', async ({ page }) => {
	await page.goto(lessonPath);
	const figure = page.locator('figure.latency-timeline');
	const panels = figure.locator('svg[role="img"]');
	await expect(panels).toHaveCount(2);
	await expect(panels.nth(0)).toHaveAccessibleName('One request on the clock');
	await expect(panels.nth(1)).toHaveAccessibleName('When the reader sees text');
	await expect(panels.nth(0)).toHaveAccessibleDescription(
		/time to first token, TTFT.*time per output token, TPOT.*TTFT plus 5 times TPOT/,
	);
	await expect(panels.nth(1)).toHaveAccessibleDescription(/Both finish at the same moment/);
	// Waiting is dashed and text on screen is solid; prefill and decode passes differ in fill.
	const dash = (selector: string) =>
		figure
			.locator(selector)
			.first()
			.evaluate((el) => getComputedStyle(el).strokeDasharray);
	expect(await dash('.latency-timeline__wait')).not.toBe('none');
	expect(await dash('.latency-timeline__text-bar')).toBe('none');
	const fill = (selector: string) =>
		figure
			.locator(selector)
			.first()
			.evaluate((el) => getComputedStyle(el).fill);
	expect(await fill('.latency-timeline__pass--decode')).toBe('none');
	expect(await fill('.latency-timeline__pass--prefill')).not.toBe('none');
	await expect(figure.locator('.latency-timeline__legend li')).toHaveText([
		'prefill: the whole prompt in one pass',
		'decode: one pass per further token',
		'waiting, nothing on screen',
		'text on screen',
	]);
});

test('each quoted source is linked', async ({ page }) => {
	await page.goto(lessonPath);
	const content = page.locator('.sl-markdown-content');
	for (const href of [
		'https://bentoml.com/llm/inference-optimization/llm-inference-metrics',
		'https://docs.databricks.com/aws/en/machine-learning/foundation-model-apis/prov-throughput-run-benchmark',
		'https://developers.openai.com/api/docs/guides/streaming-responses',
		'https://docs.nvidia.com/nim/benchmarking/llm/latest/metrics.html',
	]) {
		await expect(content.locator(`a[href="${href}"]`).first(), href).toBeVisible();
	}
	await expect(content).toContainText('TPOT = (total time − TTFT) / (output tokens − 1)');
	await expect(content).toContainText('The number of output tokens dominates overall response latency.');
});

// The live demo: one run on the stream loop with the lengths form, its measured figures beside the
// prediction from earlier runs, streamed against buffered delivery, and the two sweeps.
test.describe('lesson 3: the live demo', () => {
	test.describe.configure({ timeout: 300_000 });
	const SWEEP_TIMEOUT = 240_000;
	const block = (page: Page) => page.locator('#rc-latency');
	const runButton = (page: Page) => block(page).locator('[data-rc="run"]');
	const result = (page: Page) => page.locator('rc-latency-result');
	const ms = /^[\d.]+ ms$/;

	/** Records when each delivery panel first shows text, from before the run starts. */
	async function watchDelivery(page: Page): Promise<void> {
		await page.evaluate(() => {
			const seen: Record<string, number> = {};
			(window as unknown as { __firstText: Record<string, number> }).__firstText = seen;
			for (const name of ['streamed', 'buffered']) {
				const el = document.querySelector(`[data-rc="${name}-text"]`)!;
				new MutationObserver(() => {
					if (el.textContent && !(name in seen)) seen[name] = performance.now();
				}).observe(el, { childList: true, characterData: true, subtree: true });
			}
		});
	}
	const firstText = (page: Page) =>
		page.evaluate(() => (window as unknown as { __firstText: Record<string, number> }).__firstText);

	async function runOnce(page: Page): Promise<void> {
		await runButton(page).click();
		await expect(block(page)).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
	}

	test("the listing is annotated with the stream loop's steps and the form shows the default lengths", async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const listing = block(page).locator('pre');
		for (const step of LOOP_VOCABULARIES.stream)
			expect(await listing.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
		await expect(listing.locator('.line[data-step="prefill"]')).toContainText('model.forward(ids, cache)');
		await expect(listing.locator('.line[data-step="token"]').last()).toContainText('yield next_id');
		await expect(page.getByLabel('Prompt length (tokens)')).toHaveValue('8');
		await expect(page.getByLabel('Output length, max_new (tokens)')).toHaveValue('32');
		await expect(page.locator('[data-rc="prompt-text"]')).toHaveText('In the beginning God created');
	});

	test('a run shows measured TTFT, TPOT and total; the next is predicted from it; streamed text comes before buffered', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		await watchDelivery(page);
		await runOnce(page);
		const r = result(page);
		await expect(r).toContainText('measured here');
		await expect(r.locator('[data-rc="ttft"]')).toHaveText(ms);
		await expect(r.locator('[data-rc="total"]')).toHaveText(ms);
		await expect(r.locator('[data-rc="tpot"]')).toHaveText(/^[\d.]+ ms$|^none: /);
		await expect(r.locator('[data-rc="error"]')).toHaveText(/^No earlier run to predict from yet/);
		await expect(r.locator('[data-rc="rates"]')).toHaveText(/^Prefill: [\d,.]+ tokens\/s .*Decode: .*measured here\.$/);
		await expect(r.locator('[data-rc="result-caption"]')).toHaveText(/^\d+ output tokens? after a 8-token prompt: /);

		// The replay of the delivery: streamed text first, buffered text at the end, the same text.
		const delivery = page.locator('rc-streamed-buffered');
		const buffered = delivery.locator('[data-rc="buffered-text"]');
		await expect(buffered).not.toHaveText('', { timeout: 15_000 });
		const seen = await firstText(page);
		expect(seen.streamed, 'streamed text appeared').toBeDefined();
		expect(seen.buffered, 'buffered text appeared').toBeDefined();
		expect(seen.streamed!).toBeLessThan(seen.buffered! - 100);
		await expect(delivery.locator('[data-rc="streamed-text"]')).toHaveText((await buffered.textContent()) ?? '');
		await expect(delivery.locator('[data-rc="delivery-summary"]')).toHaveText(
			/^Measured here: streamed text from [\d.]+ ms, buffered text at [\d.]+ ms; both complete at [\d.]+ ms\./,
		);
		const timeline = delivery.getByRole('img', { name: 'Streamed and buffered delivery on one time axis' });
		await expect(timeline).toHaveAccessibleDescription(/^Measured here\. Streamed: waiting until .* Both end at /);
		await expect(timeline.locator('.rc-delivery-text-bar')).toHaveCount(2);
		await block(page).screenshot({ path: 'test-results/lesson-latency-run.png' });

		// A second run is predicted from the first.
		await runOnce(page);
		await expect(r.locator('[data-rc="error"]')).toHaveText(
			/^Prediction error: −?[\d.]+ ms \([+−][\d.]+%\), predicting from the median TTFT and TPOT of your 1 earlier run\.$/,
		);
		await expect(r.locator('[data-rc="pred-total"]')).toHaveText(/^[\d.]+ ms = TTFT \+ \d+ × TPOT$/);
		await expectAccessible(page);
	});

	test('the output-length sweep draws one point per length and the fitted line with its TTFT, TPOT and r²', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const sweep = page.locator('rc-latency-sweep[data-kind="output"]');
		await sweep.getByRole('button', { name: 'Run the output-length sweep' }).click();
		await expect(sweep.locator('[data-rc="sweep-status"]')).toHaveText('Done: 5 lengths measured here, 5 points.', {
			timeout: SWEEP_TIMEOUT,
		});
		const chart = sweep.getByRole('img', { name: 'Total time against output length' });
		await expect(chart.locator('circle.rc-point')).toHaveCount(5);
		expect(
			await chart.locator('circle.rc-point').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-length'))),
		).toEqual(['8', '16', '32', '64', '128']);
		await expect(chart.locator('[data-rc="fit-line"]')).toHaveCount(1);
		await expect(sweep.locator('[data-rc="sweep-line"]')).toHaveText(
			/^Fitted line \(dashed\): TTFT ≈ −?[\d.]+ ms, TPOT ≈ [\d.]+ ms, r² = [01]\.\d{3}$/,
		);
		await expect(chart).toHaveAccessibleDescription(
			/^Measured here: 8 output tokens \(N\), total [\d.]+ ms; .*128 output tokens/,
		);
		await expect(sweep.locator('[data-rc="sweep-rows"] tr')).toHaveCount(5);
		await sweep.locator('section').screenshot({ path: 'test-results/lesson-latency-output-sweep.png' });
		// The sweep's line predicts the next run.
		await runOnce(page);
		await expect(result(page).locator('[data-rc="error"]')).toHaveText(
			/^Prediction error: .*predicting from the output-length sweep's line \(5 runs\)\.$/,
		);
		await expectAccessible(page);
	});

	test('the prompt-length sweep fits TTFT against prompt tokens and puts prefill beside decode', async ({ page }) => {
		await page.goto(lessonPath);
		const sweep = page.locator('rc-latency-sweep[data-kind="prompt"]');
		await sweep.getByRole('button', { name: 'Run the prompt-length sweep' }).click();
		await expect(sweep.locator('[data-rc="sweep-status"]')).toHaveText('Done: 5 lengths measured here, 5 points.', {
			timeout: SWEEP_TIMEOUT,
		});
		const chart = sweep.getByRole('img', { name: 'Time to first token against prompt length' });
		expect(
			await chart.locator('circle.rc-point').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-length'))),
		).toEqual(['8', '32', '64', '128', '192']);
		await expect(sweep.locator('[data-rc="sweep-line"]')).toHaveText(
			/^Fitted line \(dashed\): Each extra prompt token adds ≈ −?[\d.e-]+ ms to TTFT \(r² = [01]\.\d{3}\); each extra output token adds ≈ [\d.]+ ms \(TPOT\)/,
		);
		await expect(sweep.locator('[data-rc="sweep-extra"]')).toHaveText(
			/^At 192 prompt tokens, measured here: prefill [\d,.]+ tokens\/s, decode [\d,.]+ tokens\/s/,
		);
	});

	test('bad lengths: empty, non-numeric and over the context each get a clear message, and the field shows what was used', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const note = page.locator('[data-rc="lengths-note"]');
		const promptField = page.getByLabel('Prompt length (tokens)');
		const outputField = page.getByLabel('Output length, max_new (tokens)');
		await promptField.fill('');
		await runOnce(page);
		await expect(note).toHaveText('Adjusted: Prompt length was empty; using 8.');
		await expect(promptField).toHaveValue('8');

		await outputField.fill('');
		await outputField.pressSequentially('1e');
		await runOnce(page);
		await expect(note).toHaveText('Adjusted: Output length must be a number; using 32.');
		await expect(outputField).toHaveValue('32');

		await promptField.fill('200');
		await outputField.fill('128');
		await runOnce(page);
		await expect(note).toHaveText(
			"Adjusted: A 200-token prompt plus 128 output tokens does not fit the model's 256-token context; using 56 output tokens.",
		);
		await expect(outputField).toHaveValue('56');
		await expect(result(page).locator('[data-rc="result-caption"]')).toHaveText(/after a 200-token prompt/);
	});

	test('with reduced motion the replay is skipped: both panels show the end at once', async ({ page }) => {
		await page.emulateMedia({ reducedMotion: 'reduce' });
		await page.goto(lessonPath);
		await page.getByLabel('Output length, max_new (tokens)').fill('4');
		await runOnce(page);
		const delivery = page.locator('rc-streamed-buffered');
		await expect(delivery.locator('[data-rc="delivery-note"]')).toHaveText(/reduced motion, so the replay is skipped/);
		await expect(delivery.locator('[data-rc="replay"]')).toBeHidden();
		const streamed = await delivery.locator('[data-rc="streamed-text"]').textContent();
		await expect(delivery.locator('[data-rc="buffered-text"]')).toHaveText(streamed ?? '');
	});

	test('at 375 px the demo reads without sideways scrolling', async ({ page }) => {
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(lessonPath);
		await page.getByLabel('Output length, max_new (tokens)').fill('8');
		await runOnce(page);
		await expect(result(page).locator('[data-rc="total"]')).toHaveText(ms);
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		await expectAccessible(page);
	});
});

test.describe('lesson 3 without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('still reads as a lesson: the listing visible, no empty demo cards', async ({ page }) => {
		await page.goto(lessonPath);
		await expectReadsWithoutJavaScript(page, {
			title: 'Latency and streaming',
			runs: ['latency'],
			listing: 'yield next_id',
			note: 'Turn on JavaScript to run it.',
		});
	});
});
