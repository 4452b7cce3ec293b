// Lesson 4, choosing the next token: its sections, listings, figure and sources, and the live demo on
// the built site with the real model (a paused step's candidates at each stage, seeds, greedy's loop,
// choosing time). (Every page also gets axe-core, console-error and link checks from pages.spec.ts
// and site.spec.ts.)
import type { Locator, Page } from '@playwright/test';
import { test, expect, expectAccessible, basePath } from '../support/fixtures';
import { expectLessonShape, type LessonSection } from '../support/lessons';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent, GenerateSettings } from '../../src/runtime/events';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';
import { collect } from '../runtime/helpers';
import { LOAD_TIMEOUT, siteModel } from '../support/site-model';

const lessonPath = 'lessons/choosing-the-next-token/';

const lessonSections: LessonSection[] = [
	{ level: 'h2', id: 'why-it-matters', text: 'Why it matters' },
	{ level: 'h2', id: 'what-happens-after-the-forward-pass', text: 'What happens after the forward pass' },
	{ level: 'h3', id: 'greedy-text-repeats-itself', text: 'Greedy text repeats itself' },
	{ level: 'h3', id: 'what-a-seed-fixes', text: 'What a seed fixes' },
	{ level: 'h3', id: 'cheap-but-not-free', text: 'Cheap, but not free' },
	{ level: 'h2', id: 'the-demo', text: 'The demo' },
	{ level: 'h3', id: 'same-seed-same-text', text: 'Same seed, same text' },
	{ level: 'h3', id: 'greedys-loop', text: 'Greedy’s loop' },
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

test.describe('lesson 4: the live demo', () => {
	test.describe.configure({ timeout: 240_000 });
	const SEED_PROMPT = 'For thus saith the';
	const SEED_SETTINGS = { temperature: 1, topK: 0, topP: 0.9 };

	/** The same loop in Node, on the same model file the site serves. */
	async function nodeRun(prompt: string, maxNewTokens: number, sampling: GenerateSettings['sampling']) {
		const model = await siteModel();
		return (await collect(generate(model, prompt, { maxNewTokens, mode: 'cached', sampling }))).at(-1) as DoneEvent;
	}
	const generatedText = async (done: DoneEvent) => {
		const model = await siteModel();
		return model.codec.decode(
			done.ids.slice(done.ids.length - done.stats.newTokens).filter((id) => id !== model.config.eosId),
		);
	};

	/** Steps the paused run until a pick's candidates are on screen. */
	async function pauseAtAPick(page: Page): Promise<Locator> {
		const run = page.locator('#rc-sample');
		const stages = page.locator('rc-stages');
		await run.locator('[data-rc="step"]').click();
		for (let i = 0; i < 8 && !(await stages.locator('[data-rc="stages-region"]').isVisible()); i++) {
			await expect(run).toHaveAttribute('data-state', 'paused', { timeout: LOAD_TIMEOUT });
			await run.locator('[data-rc="step"]').click();
		}
		await expect(run).toHaveAttribute('data-state', 'paused', { timeout: LOAD_TIMEOUT });
		await expect(stages.locator('[data-rc="stages-region"]')).toBeVisible();
		return stages;
	}

	test('the listing is annotated with the generate loop; the demo starts from a prompt that ends well', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const listing = page.locator('#rc-sample pre');
		for (const step of LOOP_VOCABULARIES.generate)
			expect(await listing.locator(`.line[data-step~="${step}"]`).count(), step).toBeGreaterThan(0);
		await expect(page.locator('#rc-sample [data-rc="prompt"]')).toHaveValue('Jesus said unto them,');
		await expect(page.locator('#rc-sample [data-rc="temperature"]')).toHaveValue('0.8');
	});

	test('moving a control while paused redraws the bars from the same logits, with no forward pass', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const run = page.locator('#rc-sample');
		const stages = await pauseAtAPick(page);
		const passes = page.locator('rc-choose-time');
		const index = await run.getAttribute('data-event-index');
		const forwardPasses = await passes.getAttribute('data-passes');
		expect(Number(forwardPasses)).toBeGreaterThan(0);
		const heads = stages.locator('thead th');
		await expect(heads).toHaveText([
			'Token',
			/^Model2,048 kept$/,
			/^Temperature 0\.82,048 kept$/,
			/^Top-k 4040 kept$/,
			/^Top-p 0\.9\d[\d,]* kept$/,
		]);
		const rows = stages.locator('tbody tr:not(.rc-stage-rest)');
		// The top 8 by logit, and the run's own pick when sampling took a token from further down.
		expect(await rows.count()).toBeGreaterThanOrEqual(8);
		await expect(stages.locator('.rc-stage-mark', { hasText: '✓ picked in the run' })).toHaveCount(1);
		const draws = Number(await stages.getAttribute('data-draws'));

		// Top-k 3: the fourth candidate on is cut, in words; the three survivors add up to 100%.
		await run.locator('[data-rc="topk"]').fill('3');
		await expect(heads.nth(3)).toHaveText('Top-k 33 kept');
		await expect(rows.nth(3).locator('td').nth(2)).toHaveText('cut');
		await expect(rows.nth(3).locator('td').nth(3)).toHaveText('cut');
		// The arrow keys move a number field, and the bars follow.
		await run.locator('[data-rc="topk"]').press('ArrowUp');
		await expect(heads.nth(3)).toHaveText('Top-k 44 kept');
		await run.locator('[data-rc="topk"]').press('ArrowDown');
		await expect(heads.nth(3)).toHaveText('Top-k 33 kept');
		const percents = await rows.evaluateAll((trs) =>
			trs.slice(0, 3).map((tr) =>
				Number(
					tr
						.querySelectorAll('td')[3]!
						.querySelector('.rc-stage-p')
						?.textContent?.replace(/[%<\s]/g, '') ?? 'NaN',
				),
			),
		);
		expect(Math.abs(percents.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.3);
		await expect(stages.locator('.rc-stage-rest td').nth(2)).toHaveText('cut');

		// Temperature 0 is greedy: only the top token is left.
		await run.locator('[data-rc="temperature"]').fill('0');
		await expect(heads.nth(2)).toHaveText('Temperature 0 (greedy)1 kept');
		await expect(rows.nth(0).locator('td').nth(1)).toHaveText(/^100\.0%/);
		await expect(stages.locator('[data-rc="stages-draw"]')).toHaveText(
			/^Temperature 0 is greedy: it takes the top token/,
		);
		// Back to sampling, top-p 0.5: the seed's draw is replayed for this step.
		await run.locator('[data-rc="temperature"]').fill('1.5');
		await run.locator('[data-rc="topp"]').fill('0.5');
		await expect(heads.nth(4)).toHaveText(/^Top-p 0\.5\d+ kept$/);
		await expect(stages.locator('[data-rc="stages-draw"]')).toHaveText(
			/^With seed 42, this step's random number is u = 0\.\d{3}; .* lands on /,
		);

		expect(Number(await stages.getAttribute('data-draws'))).toBeGreaterThan(draws + 2);
		// No forward pass ran and the run did not move.
		await expect(run).toHaveAttribute('data-state', 'paused');
		await expect(run).toHaveAttribute('data-event-index', index!);
		await expect(passes).toHaveAttribute('data-passes', forwardPasses!);
		// The screen reader hears one summary once the controls stop moving.
		await expect(stages.locator('[data-rc="stages-live"]')).toHaveText(/tokens survive; these settings pick /);
		await expectAccessible(page);
	});

	test('the run reports choosing time beside forward time, measured here, per step and summed', async ({ page }) => {
		await page.goto(lessonPath);
		const run = page.locator('#rc-sample');
		await run.locator('[data-rc="max"]').fill('6');
		await run.locator('[data-rc="speed"][value="realtime"]').check();
		await run.locator('[data-rc="run"]').click();
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const choose = page.locator('rc-choose-time');
		await expect(choose).toContainText('measured here');
		const steps = Number(await choose.getAttribute('data-passes'));
		expect(steps).toBeGreaterThan(0);
		expect(steps).toBeLessThanOrEqual(6);
		await expect(choose.locator('tbody tr')).toHaveCount(steps);
		await expect(choose.locator('tbody tr').first().locator('td')).toHaveText(['1', /^[\d.]+ ms$/, /^[\d.]+ ms$/]);
		await expect(choose.locator('[data-rc="choose-total"]')).toHaveText(
			new RegExp(
				`^${steps} forward pass(es)? so far\\. Over ${steps} steps?: forward passes [\\d.]+ ms, choosing [\\d.]+ ms; choosing took [\\d.<\\s]+% as long as the forward passes\\.$`,
			),
		);
	});

	test('the same seed twice gives identical text, the same text Node gives; another seed differs', async ({ page }) => {
		await page.goto(lessonPath);
		await page.getByRole('button', { name: 'Run all four' }).click();
		for (const id of ['seed-a', 'seed-b', 'seed-c', 'seed-d'])
			await expect(page.locator(`#rc-${id}`)).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		// The generated text without the labels of any repeated runs.
		const text = (id: string) =>
			page.locator(`#rc-${id} [data-rc="repeats-text"]`).evaluate((el) => {
				const copy = el.cloneNode(true) as HTMLElement;
				for (const label of copy.querySelectorAll('.rc-repeat-label')) label.remove();
				return copy.textContent;
			});
		const [a, b, c] = [await text('seed-a'), await text('seed-b'), await text('seed-c')];
		expect(a!.length).toBeGreaterThan(0);
		expect(b).toBe(a);
		expect(c).not.toBe(a);
		const expected = await nodeRun(SEED_PROMPT, 24, { strategy: 'sample', ...SEED_SETTINGS, seed: 7 });
		expect(a).toBe(await generatedText(expected));
		const compares = page.locator('rc-compare');
		await expect(compares.nth(0)).toHaveAttribute('data-verdict', 'same');
		await expect(compares.nth(1)).toHaveAttribute('data-verdict', 'differ');

		// Run B given run C's seed, and all four run again from the keyboard (Ctrl+Enter in their shared form).
		const seedB = page.locator('[data-rc="seed"][data-seed-for="seed-b"]');
		await seedB.fill('8');
		await seedB.press('Control+Enter');
		// Run B's text becomes run C's once it has rerun with seed 8.
		await expect.poll(() => text('seed-b'), { timeout: LOAD_TIMEOUT }).toBe(c);
		for (const id of ['seed-a', 'seed-b', 'seed-c', 'seed-d'])
			await expect(page.locator(`#rc-${id}`)).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		expect(await text('seed-a')).toBe(a);
		expect(await text('seed-c')).toBe(c);
		await expect(compares.nth(0)).toHaveAttribute('data-verdict', 'differ');
		await expectAccessible(page);
	});

	test("greedy's loop is outlined and labelled; the same prompt sampled is shown beside it", async ({ page }) => {
		const greedy = await nodeRun('My son,', 60, { strategy: 'greedy' });
		expect(greedy.reason, 'the loop prompt must still loop under greedy with this model').toBe('max_new');
		await page.goto(lessonPath);
		await page.getByRole('button', { name: 'Run both' }).click();
		const loop = page.locator('#rc-loop-greedy rc-repeats');
		const sampled = page.locator('#rc-loop-sampled rc-repeats');
		await expect(page.locator('#rc-loop-greedy')).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(page.locator('#rc-loop-sampled')).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(loop.locator('mark.rc-repeat').first()).toContainText('repeat 1');
		expect(Number(await loop.getAttribute('data-loop'))).toBeGreaterThan(0);
		await expect(loop.locator('[data-rc="repeats-summary"]')).toHaveText(
			/^\d+ runs? of 4 or more tokens repeat earlier text: \d+ of the 60 generated tokens\. The text ends in a loop: “.+” \(\d+ tokens?\) over and over, \d+ times\.$/,
		);
		// The outline is a border, not only a colour.
		expect(
			await loop
				.locator('mark.rc-repeat')
				.first()
				.evaluate((el) => getComputedStyle(el).borderTopStyle),
		).toBe('solid');
		await expect(sampled.locator('[data-rc="repeats-summary"]')).toHaveText(/generated tokens?|repeats earlier text/);
		await expectAccessible(page);
	});

	test('bad input: out-of-range and non-numeric settings are replaced by the value used, and said', async ({
		page,
	}) => {
		await page.goto(lessonPath);
		const run = page.locator('#rc-sample');
		const note = run.locator('[data-rc="settings-note"]');
		await run.locator('[data-rc="temperature"]').fill('-1');
		await run.locator('[data-rc="topk"]').fill('5000');
		await run.locator('[data-rc="max"]').fill('3');
		await run.locator('[data-rc="run"]').click();
		await expect(note).toHaveText(
			'Adjusted: Temperature must be 0 (greedy) or from 0.05 to 2; using 0 (greedy). Top-k must be a whole number from 0 to 2048; using 2048.',
		);
		await expect(run.locator('[data-rc="temperature"]')).toHaveValue('0');
		await expect(run.locator('[data-rc="topk"]')).toHaveValue('2048');
		await expect(run).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });

		// A value the browser cannot read as a number: the default is used, and the form says so on leaving the field.
		await run.locator('[data-rc="topp"]').fill('');
		await run.locator('[data-rc="topp"]').pressSequentially('1e');
		await run.locator('[data-rc="topp"]').blur();
		// Each field's replacement is said until that field is edited.
		await expect(note).toHaveText(
			'Adjusted: Temperature must be 0 (greedy) or from 0.05 to 2; using 0 (greedy). Top-k must be a whole number from 0 to 2048; using 2048. Top-p must be a number; using 0.9.',
		);
		await expect(run.locator('[data-rc="topp"]')).toHaveValue('0.9');
		await run.locator('[data-rc="temperature"]').fill('1');
		await expect(note).toHaveText(
			'Adjusted: Top-k must be a whole number from 0 to 2048; using 2048. Top-p must be a number; using 0.9.',
		);

		// A seed field in the shared form of the seeded runs.
		const seedB = page.locator('[data-rc="seed"][data-seed-for="seed-b"]');
		await seedB.fill('-5');
		await seedB.blur();
		await expect(page.locator('rc-sampling-settings').nth(1).locator('[data-rc="settings-note"]')).toHaveText(
			'Adjusted: Seed must be a whole number from 0 to 2147483647; using 0.',
		);
		await expect(seedB).toHaveValue('0');
		await expectAccessible(page);
	});

	test('at 375 px the stage table scrolls in its own region and the page does not scroll sideways', async ({
		page,
	}) => {
		await page.setViewportSize({ width: 375, height: 812 });
		await page.goto(lessonPath);
		const stages = await pauseAtAPick(page);
		const region = stages.locator('[data-rc="stages-region"]');
		await expect(region).toHaveAttribute('tabindex', '0');
		expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
		await expectAccessible(page);
	});
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the lesson still reads: text, listings and figure, and no empty demo panels', async ({ page }) => {
		await page.goto(lessonPath);
		await expect(page.locator('h1')).toHaveText('Choosing the next token');
		const content = page.locator('.sl-markdown-content');
		await expect(content).toContainText('rng = random.Random(seed)');
		await expect(content).toContainText('def keep_top_p(scores, p):');
		await expect(page.locator('figure.sampling-diagram')).toBeVisible();
		for (const part of ['rc-sampling-settings', 'rc-stages', 'rc-choose-time', 'rc-repeats'])
			for (const el of await page.locator(part).all()) await expect(el, part).toBeHidden();
		// The runs made only of panels (seeds, greedy's loop) leave no empty boxes.
		for (const id of ['seed-a', 'seed-b', 'seed-c', 'seed-d', 'loop-greedy', 'loop-sampled'])
			await expect(page.locator(`#rc-${id}`)).toBeHidden();
		await expect(page.locator('#rc-sample pre')).toBeVisible();
		await expect(page.locator('h2#key-takeaways')).toBeVisible();
	});
});
