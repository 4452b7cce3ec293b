// Runnable code blocks (issue 5), on the built site with the real model: no mocks of the runtime.
// The expected tokens come from the same loop run in Node (src/runtime/generate.ts with
// onnxruntime-web's WASM build), never from hard-coded text, so a retrained model keeps them green.
import type { Locator, Page } from '@playwright/test';
import { test, expect, expectAccessible, localUrl, readClipboard } from '../support/fixtures';
import { generate } from '../../src/runtime/generate';
import type { DoneEvent, GenerateSettings, StepEvent } from '../../src/runtime/events';
import { collect } from '../runtime/helpers';
import { HEAVY, LOAD_TIMEOUT, siteModel } from '../support/site-model';

const LESSON = 'lessons/the-autoregressive-loop/';
const TEST_PAGE = 'dev/runnable-blocks/';

/**
 * The same loop in Node, on the same bytes the browser gets: the model is fetched from the site
 * under test, so a stale build or a model swapped mid-run cannot make the two sides disagree.
 * The widget's dtype is the runtime's default (q8); the Node side uses the same.
 */
async function nodeRun(prompt: string, settings: GenerateSettings): Promise<StepEvent[]> {
	const model = await siteModel();
	return collect(generate(model, prompt, settings));
}
const greedy = (maxNewTokens: number, mode: 'naive' | 'cached' = 'naive'): GenerateSettings => ({
	maxNewTokens,
	mode,
	sampling: { strategy: 'greedy' },
	topCandidates: 5,
});

function block(page: Page, id = 'generate'): Locator {
	return page.locator(`#rc-${id}`);
}

/** The shown event's index once it has stopped changing for 700 ms (paints trail the state by a frame or more). */
async function settledEventIndex(page: Page, b: Locator): Promise<number> {
	let at = -2;
	await expect
		.poll(
			async () => {
				const before = Number(await b.getAttribute('data-event-index'));
				await page.waitForTimeout(700);
				at = Number(await b.getAttribute('data-event-index'));
				return at === before;
			},
			{ timeout: 20_000 },
		)
		.toBe(true);
	return at;
}

async function setUp(
	b: Locator,
	s: { prompt?: string; max?: number; speed?: 'realtime' | 'slow' | 'step'; mode?: 'naive' | 'cached' },
) {
	if (s.prompt !== undefined) await b.locator('[data-rc="prompt"]').fill(s.prompt);
	if (s.max !== undefined) await b.locator('[data-rc="max"]').fill(String(s.max));
	if (s.speed) await b.locator(`[data-rc="speed"][value="${s.speed}"]`).check();
	if (s.mode) {
		const more = b.locator('[data-rc="more"]');
		if (!(await more.evaluate((d) => (d as HTMLDetailsElement).open))) await more.locator('summary').click();
		await b.locator(`[data-rc="mode"][value="${s.mode}"]`).check();
	}
}

async function chipIds(b: Locator): Promise<number[]> {
	return await b
		.locator('[data-rc="chips"] > li')
		.evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.id)));
}

/** Records every value of the block's data-state, and the step of every lit line, in the page. */
async function record(b: Locator) {
	await b.evaluate((root) => {
		const log = { states: [root.getAttribute('data-state')], steps: [] as string[], times: [] as number[] };
		(window as unknown as { rcLog: typeof log }).rcLog = log;
		new MutationObserver(() => {
			const s = root.getAttribute('data-state');
			if (s !== log.states[log.states.length - 1]) log.states.push(s);
		}).observe(root, { attributes: true, attributeFilter: ['data-state'] });
		new MutationObserver((records) => {
			for (const r of records) {
				const line = r.target as HTMLElement;
				if (line.getAttribute('aria-current') === 'step') {
					const step = line.dataset.step ?? '';
					if (step !== log.steps[log.steps.length - 1]) {
						log.steps.push(step);
						log.times.push(performance.now());
					}
				}
			}
		}).observe(root.querySelector('pre')!, { attributes: true, attributeFilter: ['aria-current'], subtree: true });
	});
	return () =>
		b
			.page()
			.evaluate(() => (window as unknown as { rcLog: { states: string[]; steps: string[]; times: number[] } }).rcLog);
}

test.describe('runnable code: lesson 1', () => {
	test.describe.configure({ timeout: 240_000 });

	test('before Run, no onnxruntime, worker or model request is made (not even on hover of Run)', async ({ page }) => {
		const heavy: string[] = [];
		page.on('request', (r) => {
			if (HEAVY.test(r.url())) heavy.push(r.url());
		});
		await page.goto(LESSON);
		const b = block(page);
		await expect(b).toHaveAttribute('data-state', 'idle');
		await expect(b.locator('[data-rc="app"]')).toBeVisible();
		await b.locator('[data-rc="run"]').hover();
		await b.locator('[data-rc="run"]').focus();
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(500);
		expect(heavy).toEqual([]);
	});

	test('Run loads the model, shows the backend, streams tokens, and greedy output equals the Node-side loop', async ({
		page,
	}) => {
		const requests: string[] = [];
		page.on('request', (r) => requests.push(r.url()));
		await page.goto(LESSON);
		const b = block(page);
		const prompt = await b.locator('[data-rc="prompt"]').inputValue();
		const max = Number(await b.locator('[data-rc="max"]').inputValue());
		await setUp(b, { speed: 'realtime' });
		const log = await record(b);
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });

		const expected = (await nodeRun(prompt, greedy(max))).at(-1) as DoneEvent;
		expect(await chipIds(b)).toEqual(expected.ids);
		await expect(b.locator('[data-rc="out-gen"]')).toHaveText(expected.generatedText);
		expect(expected.generatedText.length).toBeGreaterThan(0);
		// Prompt and generated tokens are told apart, not only by colour: classes drive border styles and labels.
		const chips = b.locator('[data-rc="chips"]');
		await expect(chips.locator('.rc-chip--gen')).toHaveCount(expected.stats.newTokens);
		await expect(chips.locator('.rc-chip--prompt')).toHaveCount(expected.ids.length - expected.stats.newTokens);
		await expect(chips.locator('.rc-chip--gen').first()).toHaveAttribute(
			'aria-label',
			/^generated token \d+: .*, id \d+$/,
		);

		expect((await log()).states).toEqual(['idle', 'loading', 'running', 'done']);
		await expect(b.locator('[data-rc="backend"]')).toHaveText(/Running on (WebGPU|WebAssembly)/);
		await expect(b.locator('[data-rc="backend"]')).toHaveAttribute('aria-label', /^Backend: /);
		expect(requests.some((u) => /\.onnx(\?|$)/.test(u))).toBe(true);
		// End-of-run figures and the panel.
		await expect(b.locator('[data-rc="stats"]')).toBeVisible();
		await expect(b.locator('[data-rc="ttft"]')).toHaveText(/\d ms$/);
		await expect(b.locator('[data-rc="tps"]')).toHaveText(/^\d+(\.\d)?$/);
		await expect(b.locator('.rc-chart rect')).toHaveCount(expected.stats.newTokens);
		await expect(b.locator('.rc-cand')).toHaveCount(5);
		await expect(b.locator('.rc-cand--chosen')).toHaveCount(1);
		await expect(b.locator('.rc-cand--chosen .rc-cand-token')).toContainText('✓');
		await expect(b.locator('[data-rc="out-gen"]')).toHaveAttribute('aria-live', 'polite');
	});

	test('slow motion: aria-current="step" moves through the forward, pick, append and EOS lines, in order', async ({
		page,
	}) => {
		await page.goto(LESSON);
		const b = block(page);
		await setUp(b, { max: 2, speed: 'slow' });
		const log = await record(b);
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		// The current line shows a marker besides the colour.
		await expect(b.locator('.line[aria-current="step"]').first()).toBeVisible({ timeout: 30_000 });
		// One evaluation, so the lines are read in one frame.
		const markers = await b.evaluate((root) => ({
			current: [...root.querySelectorAll('.line[aria-current="step"]')].map(
				(l) => getComputedStyle(l, '::before').content,
			),
			previous: [...root.querySelectorAll('.line.rc-prev:not([aria-current])')].map(
				(l) => getComputedStyle(l, '::before').content,
			),
		}));
		expect(markers.current.length).toBeGreaterThan(0);
		for (const m of markers.current) expect(m).toContain('▶');
		for (const m of markers.previous) expect(m).toContain('▷');
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
		const { steps, times } = await log();
		const events = await nodeRun(await b.locator('[data-rc="prompt"]').inputValue(), greedy(2));
		const loop = ['forward', 'last-logits', 'select', 'append', 'eos-check'];
		// Each event lights its own line(s): the recorded sequence is the event sequence.
		expect(steps).toEqual(events.map((e) => e.step));
		expect(steps.slice(1, 6)).toEqual(loop);
		// Readable dwell: slow motion leaves each step on screen for a while.
		const gaps = times.slice(1).map((t, i) => t - times[i]!);
		expect(Math.min(...gaps)).toBeGreaterThan(400);
		// After the run the previous step stays faintly marked.
		await expect(b.locator('.line.rc-prev')).not.toHaveCount(0);
	});

	test('Step advances exactly one event per press', async ({ page }) => {
		await page.goto(LESSON);
		const b = block(page);
		await setUp(b, { max: 3, speed: 'step' });
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'paused', { timeout: LOAD_TIMEOUT });
		await expect(b).toHaveAttribute('data-event-index', '0', { timeout: 30_000 });
		await expect(b).toHaveAttribute('data-current-step', 'encode');
		await page.waitForTimeout(800);
		await expect(b).toHaveAttribute('data-event-index', '0');
		for (const [i, step] of [
			[1, 'forward'],
			[2, 'last-logits'],
			[3, 'select'],
			[4, 'append'],
		] as const) {
			await b.locator('[data-rc="step"]').click();
			await expect(b).toHaveAttribute('data-event-index', String(i), { timeout: 20_000 });
			await expect(b).toHaveAttribute('data-current-step', step);
			await expect(b.locator(`.line[data-step~="${step}"]`).first()).toHaveAttribute('aria-current', 'step');
			await page.waitForTimeout(600);
			await expect(b).toHaveAttribute('data-event-index', String(i));
			await expect(b).toHaveAttribute('data-state', 'paused');
		}
	});

	test('Stop ends a run mid-way and says so', async ({ page }) => {
		// The lesson's default prompt ends at EOS after a few tokens, too soon to stop; take a prompt
		// whose greedy run, on the Node side, lasts all 200 tokens asked for, so the run is still going
		// when Stop is clicked however fast the worker runs.
		let longPrompt: string | undefined;
		for (const prompt of ['Thou shalt not', 'My son,', 'Thus saith the LORD,', 'Hear, O Israel:', 'And God said,']) {
			const done = (await nodeRun(prompt, greedy(200, 'cached'))).at(-1) as DoneEvent;
			if (done.reason === 'max_new') {
				longPrompt = prompt;
				break;
			}
		}
		expect(longPrompt, 'a prompt whose greedy run lasts 200 tokens').toBeDefined();
		await page.goto(LESSON);
		const b = block(page);
		await setUp(b, { prompt: longPrompt, max: 200, speed: 'realtime', mode: 'naive' });
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await b.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThan(20);
		// How fast Stop lands is the runtime's contract (tests/runtime/generate.test.ts: a stop lands within one
		// forward pass); here the timeout only guards against a hang.
		await b.locator('[data-rc="stop"]').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
		await expect(b.locator('[data-rc="done-desc"]')).toHaveText(/stopped by you/);
		const generated = await b.locator('.rc-chip--gen').count();
		expect(generated).toBeGreaterThan(0);
		expect(generated).toBeLessThan(200);
	});

	test('a deep link restores prompt, settings and step, deterministically; "Copy link" round-trips', async ({
		page,
	}) => {
		const settings: GenerateSettings = {
			maxNewTokens: 6,
			mode: 'cached',
			sampling: { strategy: 'sample', temperature: 0.7, topK: 20, topP: 0.9, seed: 7 },
			topCandidates: 5,
		};
		const prompt = 'In the beginning';
		const step = 9;
		const url = new URL(localUrl(LESSON));
		url.search = new URLSearchParams({
			rc: 'generate',
			prompt,
			max: '6',
			mode: 'cached',
			decode: 'sample',
			temp: '0.7',
			topk: '20',
			topp: '0.9',
			seed: '7',
			step: String(step),
		}).toString();
		url.hash = 'rc-generate';
		await page.goto(url.href);
		const b = block(page);
		await expect(b.locator('[data-rc="prompt"]')).toHaveValue(prompt);
		await expect(b.locator('[data-rc="max"]')).toHaveValue('6');
		await expect(b.locator('[data-rc="mode"][value="cached"]')).toBeChecked();
		await expect(b.locator('[data-rc="strategy"][value="sample"]')).toBeChecked();
		await expect(b.locator('[data-rc="temperature"]')).toHaveValue('0.7');
		await expect(b.locator('[data-rc="topk"]')).toHaveValue('20');
		await expect(b.locator('[data-rc="topp"]')).toHaveValue('0.9');
		await expect(b.locator('[data-rc="seed"]')).toHaveValue('7');
		await expect(b.locator('[data-rc="more"]')).toHaveAttribute('open', '');
		await expect(b.locator('[data-rc="more-summary"]')).toHaveText(
			'KV cache, sampling (temperature 0.7, top-k 20, top-p 0.9, seed 7)',
		);
		// The link waits for one click to replay (no download before it).
		await expect(b).toHaveAttribute('data-state', 'idle');
		await expect(b.locator('[data-rc="run"]')).toHaveText(new RegExp(`Run to replay step ${step + 1}`));
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(b).toHaveAttribute('data-event-index', String(step));

		// The same state as the loop in Node with the same seed, at the same event.
		const events = await nodeRun(prompt, settings);
		await expect(b).toHaveAttribute('data-current-step', events[step]!.step);
		const appended = events
			.slice(0, step + 1)
			.filter((e) => e.step === 'append')
			.map((e) => (e as { id: number }).id);
		const promptIds = (events[0] as { ids: number[] }).ids;
		expect(await chipIds(b)).toEqual([...promptIds, ...appended]);
		await expect(b.locator('[data-rc="slider"]')).toHaveValue(String(step));
		await expect(b.locator('[data-rc="sampling-note"]')).toBeVisible();

		// Scrub one step back and copy the link to it; opening that link lands on the same state.
		await b.locator('[data-rc="prev"]').click();
		await expect(b).toHaveAttribute('data-event-index', String(step - 1));
		await b.locator('[data-rc="copy-link"]').click();
		await expect(b.locator('[data-rc="share-status"]')).toHaveText(/copied/);
		const copied = await readClipboard(page);
		expect(new URL(copied).searchParams.get('step')).toBe(String(step - 1));
		await page.goto(copied);
		await block(page).locator('[data-rc="run"]').click();
		await expect(block(page)).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(block(page)).toHaveAttribute('data-event-index', String(step - 1));
		const appendedBefore = events
			.slice(0, step)
			.filter((e) => e.step === 'append')
			.map((e) => (e as { id: number }).id);
		expect(await chipIds(block(page))).toEqual([...promptIds, ...appendedBefore]);
	});

	test('a deep link past the end of the run opens its last step and says so', async ({ page }) => {
		const url = new URL(localUrl(LESSON));
		url.search = new URLSearchParams({
			rc: 'generate',
			prompt: 'In the beginning',
			max: '2',
			mode: 'naive',
			decode: 'greedy',
			step: '999',
		}).toString();
		url.hash = 'rc-generate';
		await page.goto(url.href);
		const b = block(page);
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const events = await nodeRun('In the beginning', greedy(2));
		await expect(b).toHaveAttribute('data-event-index', String(events.length - 1));
		await expect(b).toHaveAttribute('data-current-step', 'done');
		const done = events.at(-1) as DoneEvent;
		await expect(b.locator('[data-rc="status"]')).toHaveText(
			new RegExp(
				`^Done: ${done.stats.newTokens} new tokens; [^.]+\\. The link asked for step 1000, past the end of this run: showing its last step, ${events.length}\\.$`,
			),
		);
		await expect(b.locator('[data-rc="slider"]')).toHaveValue(String(events.length - 1));
	});

	test('"Ask AI about this step" links carry the code, the step and the visible state, within the URL budget', async ({
		page,
	}) => {
		await page.goto(LESSON);
		const b = block(page);
		await setUp(b, { max: 3, speed: 'realtime' });
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await b.locator('[data-rc="slider"]').focus();
		await page.keyboard.press('Home');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowRight');
		await expect(b).toHaveAttribute('data-current-step', 'select');
		for (const [assistant, origin] of [
			['chatgpt', 'https://chatgpt.com/'],
			['claude', 'https://claude.ai/new'],
		] as const) {
			const link = b.locator(`[data-rc="ask"][data-assistant="${assistant}"]`);
			await link.hover();
			const href = (await link.getAttribute('href'))!;
			expect(href.startsWith(`${origin}?q=`)).toBe(true);
			expect(href.length).toBeLessThanOrEqual(2000);
			const q = new URL(href).searchParams.get('q')!;
			expect(q).toContain('select');
			expect(q).toMatch(/Top candidates at the last pick: .*\(chosen\)/);
			expect(q).toContain('Prompt: "Hear, O Israel:"');
			if (q.includes('```')) expect(q).toContain('model.forward(ids)');
			await expect(link).toHaveAttribute('target', '_blank');
		}
	});
});

test.describe('runnable code: failures', () => {
	test.describe.configure({ timeout: 240_000 });
	// The browser logs the failed download itself; the runtime may log the session failure.
	test.use({ allowedConsoleErrors: [/Failed to load resource/, /onnx|ort|session|protobuf|model/i] });

	for (const [name, fulfil] of [
		['a 404', { status: 404, body: 'not found' }],
		[
			'garbage bytes',
			{
				status: 200,
				body: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
				contentType: 'application/octet-stream',
			},
		],
	] as const) {
		test(`a model request answered with ${name} shows an error with Retry, and Retry recovers`, async ({ page }) => {
			await page.route('**/*.onnx', (route) => route.fulfill(fulfil));
			await page.goto(LESSON);
			const b = block(page);
			await setUp(b, { max: 2, speed: 'realtime' });
			await b.locator('[data-rc="run"]').click();
			await expect(b).toHaveAttribute('data-state', 'error', { timeout: LOAD_TIMEOUT });
			const error = b.locator('[data-rc="error"]');
			await expect(error).toBeVisible();
			await expect(error).toHaveAttribute('role', 'alert');
			await expect(b.locator('[data-rc="error-message"]')).not.toBeEmpty();
			const retry = b.locator('[data-rc="retry"]');
			await expect(retry).toBeVisible();
			await page.unroute('**/*.onnx');
			await retry.click();
			await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
			await expect(error).toBeHidden();
			expect((await chipIds(b)).length).toBeGreaterThan(0);
		});
	}
});

test.describe('runnable code: keyboard, accessibility, layouts', () => {
	test.describe.configure({ timeout: 240_000 });

	test('keyboard only: Ctrl+Enter runs, Space pauses, → steps, Esc stops, ← scrubs; shortcuts are announced', async ({
		page,
	}) => {
		await page.goto(LESSON);
		const b = block(page);
		// Every shortcut is on its control (aria-keyshortcuts) and listed in the block.
		await expect(b.locator('[data-rc="run"]')).toHaveAttribute('aria-keyshortcuts', /Control\+Enter/);
		await expect(b.locator('[data-rc="pause"]')).toHaveAttribute('aria-keyshortcuts', 'Space');
		await expect(b.locator('[data-rc="step"]')).toHaveAttribute('aria-keyshortcuts', 'ArrowRight');
		await expect(b.locator('[data-rc="stop"]')).toHaveAttribute('aria-keyshortcuts', 'Escape');

		// Start from the listing (a tab stop) and reach everything with the keyboard.
		const pre = b.locator('pre');
		await pre.focus();
		for (const name of ['prompt', 'max']) {
			await page.keyboard.press('Tab');
			await expect(b.locator(`[data-rc="${name}"]`)).toBeFocused();
		}
		await page.keyboard.press('Tab');
		await expect(b.locator('[data-rc="more"] summary')).toBeFocused();
		await page.keyboard.press('Tab');
		await expect(b.locator('[data-rc="run"]')).toBeFocused();
		const outline = await b.locator('[data-rc="run"]').evaluate((el) => getComputedStyle(el).outlineStyle);
		expect(outline).not.toBe('none');
		for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Tab');
		await expect(pre).toBeFocused();

		// Open the shortcuts list from the keyboard.
		const summary = b.locator('.rc-keys summary');
		await summary.focus();
		await page.keyboard.press('Enter');
		await expect(b.locator('.rc-keys ul')).toBeVisible();

		// Type a prompt and run with Ctrl+Enter from the prompt box.
		const promptBox = b.locator('[data-rc="prompt"]');
		await promptBox.focus();
		await page.keyboard.press('ControlOrMeta+a');
		// A prompt whose greedy run does not reach EOS early, so it is still going when Esc stops it.
		await page.keyboard.type('In the beginning');
		await b.locator('[data-rc="max"]').focus();
		await page.keyboard.press('ControlOrMeta+a');
		await page.keyboard.type('200');
		await page.keyboard.press('ControlOrMeta+Enter');
		await expect(b).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await b.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThanOrEqual(1);

		await pre.focus();
		await page.keyboard.press('Space');
		await expect(b).toHaveAttribute('data-state', 'paused');
		// An event already requested before the pause may still land; wait until the index settles.
		const at = await settledEventIndex(page, b);
		await page.keyboard.press('ArrowRight');
		await expect(b).toHaveAttribute('data-event-index', String(at + 1), { timeout: 20_000 });
		await expect(b).toHaveAttribute('data-state', 'paused');
		await page.keyboard.press('Space');
		await expect(b).toHaveAttribute('data-state', 'running');
		await page.keyboard.press('Escape');
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: 2_000 });
		// The state attribute changes at once; the shown event is painted on the next frame.
		const last = await settledEventIndex(page, b);
		await page.keyboard.press('ArrowLeft');
		await expect(b).toHaveAttribute('data-event-index', String(last - 1));
		await page.keyboard.press('ArrowRight');
		await expect(b).toHaveAttribute('data-event-index', String(last));

		// Token chips: one tab stop, arrow keys move, the focused chip shows its id.
		const chips = b.locator('[data-rc="chips"]');
		await chips.locator('li[tabindex="0"]').focus();
		await page.keyboard.press('Home');
		await expect(chips.locator('li').first()).toBeFocused();
		await page.keyboard.press('ArrowRight');
		await expect(chips.locator('li').nth(1)).toBeFocused();
		const tip = await chips
			.locator('li')
			.nth(1)
			.evaluate((li) => getComputedStyle(li, '::after').content);
		expect(tip).toMatch(/id/);
	});

	for (const colorScheme of ['light', 'dark'] as const) {
		test(`axe-core finds no violations before and after a run (${colorScheme} theme)`, async ({ page }) => {
			await page.emulateMedia({ colorScheme });
			await page.goto(LESSON);
			const b = block(page);
			await expectAccessible(page);
			await setUp(b, { max: 4, speed: 'realtime' });
			await b.locator('[data-rc="run"]').click();
			await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
			await b.locator('[data-rc="prev"]').click();
			await expectAccessible(page);
			await page.screenshot({ path: `test-results/runnable-${colorScheme}.png`, fullPage: false });
			await b.screenshot({ path: `test-results/runnable-block-${colorScheme}.png` });
		});
	}

	test('phone width, dark theme, reduced motion: fits without sideways scrolling and drops transitions', async ({
		page,
	}) => {
		await page.setViewportSize({ width: 375, height: 812 });
		await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
		await page.goto(LESSON);
		const b = block(page);
		await setUp(b, { max: 5, speed: 'realtime' });
		await b.locator('[data-rc="run"]').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
		expect(overflow).toBeLessThanOrEqual(0);
		const box = await b.boundingBox();
		expect(box!.width).toBeLessThanOrEqual(375);
		const transition = await b
			.locator('.rc-cand-bar span')
			.first()
			.evaluate((el) => getComputedStyle(el).transitionDuration);
		expect(transition).toBe('0s');
		await expectAccessible(page);
		await b.screenshot({ path: 'test-results/runnable-375-dark.png' });
	});

	test('without JavaScript, the highlighted listing and a note remain', async ({ browser }) => {
		const context = await browser.newContext({ javaScriptEnabled: false });
		const page = await context.newPage();
		await page.goto(localUrl(LESSON));
		const b = block(page);
		await expect(b.locator('pre')).toContainText('logits = model.forward(ids)');
		await expect(b.locator('pre')).not.toContainText('[!step');
		await expect(b.locator('pre .line[data-step="forward"]')).toHaveCount(1);
		// Browsers render <noscript> when scripting is off; Playwright only stops scripts from running,
		// so check the note is there rather than that it is painted.
		await expect(b.locator('noscript')).toHaveCount(1);
		expect(await b.locator('noscript').evaluate((n) => n.textContent)).toContain('Turn on JavaScript to run it.');
		await expect(b.locator('[data-rc="app"]')).toBeHidden();
		await context.close();
	});
});

test.describe('runnable code: several blocks on one page', () => {
	test.describe.configure({ timeout: 240_000 });

	test('two blocks run independently, share one model download, and match the Node-side loop', async ({ page }) => {
		const modelRequests: string[] = [];
		page.on('request', (r) => {
			if (/\.onnx(\?|$)/.test(r.url())) modelRequests.push(r.url());
		});
		await page.goto(TEST_PAGE);
		const py = block(page, 'naive-py');
		const js = block(page, 'cached-js');
		await expect(py).toHaveAttribute('data-state', 'idle');
		await expect(js).toHaveAttribute('data-state', 'idle');
		await expect(js.locator('pre')).not.toContainText('[!step');
		await expect(js.locator('.line[data-step="forward"]')).toHaveCount(1);

		await py.locator('[data-rc="run"]').click();
		await js.locator('[data-rc="run"]').click();
		await expect(py).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(js).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		expect(new Set(modelRequests).size).toBe(1);

		const pyDone = (await nodeRun('In the beginning', greedy(8, 'naive'))).at(-1) as DoneEvent;
		const jsDone = (await nodeRun('And the LORD', greedy(8, 'cached'))).at(-1) as DoneEvent;
		expect(await chipIds(py)).toEqual(pyDone.ids);
		expect(await chipIds(js)).toEqual(jsDone.ids);
		await expect(js.locator('[data-rc="forward-desc"]')).toHaveText(/fed 1 new token, the KV cache holds \d+/);
		await expect(py.locator('[data-rc="forward-desc"]')).toHaveText(/fed all \d+ tokens \(no cache\)/);
		await expectAccessible(page);
	});
});
