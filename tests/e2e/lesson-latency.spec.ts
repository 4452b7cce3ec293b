// Lesson 3, latency and streaming: its sections, listings, figure and sources. While the lesson is
// a draft it is not in the build, and these tests are skipped (drafts.spec.ts checks it is absent).
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import { test, expect, basePath } from '../support/fixtures';
import { expectLessonShape, isDraftLesson, type LessonSection } from '../support/lessons';

const lessonPath = 'lessons/latency-and-streaming/';
test.skip(isDraftLesson(lessonPath), 'lesson 3 is a draft, left out of production builds');

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
