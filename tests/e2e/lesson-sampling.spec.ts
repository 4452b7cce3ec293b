// Lesson 4, choosing the next token: its sections, listings, figure and sources. While the lesson is
// a draft it is not in the build, and these tests are skipped (drafts.spec.ts checks it is absent).
// (Every page also gets axe-core, console-error and link checks from pages.spec.ts and site.spec.ts.)
import { test, expect, basePath } from '../support/fixtures';
import { expectLessonShape, isDraftLesson, type LessonSection } from '../support/lessons';

const lessonPath = 'lessons/choosing-the-next-token/';
test.skip(isDraftLesson(lessonPath), 'lesson 4 is a draft, left out of production builds');

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'what-happens-after-the-forward-pass', text: 'What happens after the forward pass' },
	{ level: 'h3', id: 'greedy-text-repeats-itself', text: 'Greedy text repeats itself' },
	{ level: 'h3', id: 'what-a-seed-fixes', text: 'What a seed fixes' },
	{ level: 'h3', id: 'cheap-but-not-free', text: 'Cheap, but not free' },
	{ level: 'h2', id: 'the-demo', text: 'The demo' },
	{ level: 'h3', id: 'what-to-watch', text: 'What to watch' },
	{ level: 'h3', id: 'reading-the-code-line-by-line', text: 'Reading the code line by line' },
	{ level: 'h2', id: 'what-follows-for-serving', text: 'What follows for serving' },
	{ level: 'h2', id: 'try-it', text: 'Try it' },
	{ level: 'h2', id: 'key-takeaways', text: 'Key takeaways' },
];

test('lesson 4 has its sections, in order, with stable anchors', async ({ page }) => {
	await page.goto(lessonPath);
	await expectLessonShape(page, {
		title: 'Choosing the next token',
		prev: new RegExp(`^${basePath}lessons/`),
		sections: lessonSections,
	});
});

test('the sampling and processors listings are on the page without step annotations', async ({ page }) => {
	await page.goto(lessonPath);
	const content = page.locator('.sl-markdown-content');
	await expect(content).toContainText('rng = random.Random(seed)');
	await expect(content).toContainText('scores = next_logits / temperature');
	await expect(content).toContainText('next_id = draw(probs, rng.random())');
	await expect(content).toContainText('def keep_top_p(scores, p):');
	await expect(content).not.toContainText('[!step');
});

test('the figure is named, described, and marks cut tokens in text as well as by style', async ({ page }) => {
	await page.goto(lessonPath);
	const figure = page.locator('figure.sampling-diagram');
	const svg = figure.locator('svg[role="img"]');
	await expect(svg).toHaveAccessibleName('One distribution through temperature, top-k and top-p');
	await expect(svg).toHaveAccessibleDescription(
		/temperature 0\.7.*Top-k 4.*Top-p 0\.9.*"the" 60%, "LORD" 26%, "God" 14%, "he" cut, "unto" cut, "them" cut/,
	);
	// Top-k 4 cuts two of six tokens, top-p 0.9 one more: five "cut" labels in all.
	await expect(figure.locator('text', { hasText: /^cut$/ })).toHaveCount(5);
	expect(
		await figure
			.locator('.sampling-diagram__cut')
			.first()
			.evaluate((el) => getComputedStyle(el).strokeDasharray),
	).not.toBe('none');
	expect(
		await figure
			.locator('.sampling-diagram__bar')
			.first()
			.evaluate((el) => getComputedStyle(el).strokeDasharray),
	).toBe('none');
});

test('each quoted source is linked', async ({ page }) => {
	await page.goto(lessonPath);
	const content = page.locator('.sl-markdown-content');
	for (const href of [
		'https://thinkingmachines.ai/blog/defeating-nondeterminism-in-llm-inference/',
		'https://github.com/karpathy/llama2.c#feel-the-magic',
		'https://cookbook.openai.com/examples/reproducible_outputs_with_the_seed_parameter',
		'https://arxiv.org/abs/1904.09751',
	]) {
		await expect(content.locator(`a[href="${href}"]`).first(), href).toBeVisible();
	}
	await expect(content).toContainText('output text that is bland, incoherent, or gets stuck in repetitive loops.');
	await expect(content).toContainText('(mostly) consistent outputs');
});
