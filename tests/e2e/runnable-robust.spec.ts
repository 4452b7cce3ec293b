// Runnable code blocks under hostile or unlucky use (issue 18), on the built site with the real
// model: focus that must not fall to <body>, clicks that must not be lost, values that must not
// change silently, text that must not be reordered, links that must not download without a click.
import type { Locator, Page } from '@playwright/test';
import { test, expect, localUrl } from '../support/fixtures';
import { generate } from '../../src/runtime/generate';
import type { EncodeEvent, GenerateSettings, StepEvent } from '../../src/runtime/events';
import { collect } from '../runtime/helpers';
import { HEAVY, LOAD_TIMEOUT, siteModel } from '../support/site-model';

const LESSON = 'lessons/the-autoregressive-loop/';

async function nodeRun(prompt: string, settings: GenerateSettings): Promise<StepEvent[]> {
	const model = await siteModel();
	return collect(generate(model, prompt, settings));
}

const block = (page: Page): Locator => page.locator('#rc-generate');
const ref = (b: Locator, name: string): Locator => b.locator(`[data-rc="${name}"]`);

async function openMore(b: Locator): Promise<void> {
	const more = ref(b, 'more');
	if (!(await more.evaluate((d) => (d as HTMLDetailsElement).open))) await more.locator('summary').click();
}

function watchHeavy(page: Page): string[] {
	const heavy: string[] = [];
	page.on('request', (r) => {
		if (HEAVY.test(r.url())) heavy.push(r.url());
	});
	return heavy;
}

test.describe('runnable code: issue 18', () => {
	test.describe.configure({ timeout: 240_000 });

	test('focus stays on a control in the block when Stop, Reset or Pause disables, and the shortcuts keep working', async ({
		page,
	}) => {
		await page.goto(LESSON);
		const b = block(page);
		// Greedy decoding loops on this prompt (lesson 4's looping prompt; tests/model/greedy.test.ts
		// checks it still does), so the run is still going when Stop is pressed.
		await ref(b, 'prompt').fill('My son,');
		await ref(b, 'max').fill('200');
		await b.locator('[data-rc="speed"][value="realtime"]').check();
		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await expect
			.poll(async () => Number(await b.getAttribute('data-event-index')), { timeout: 30_000 })
			.toBeGreaterThan(5);

		// Enter on Stop: the run ends, Stop disables, focus goes to Run, ← scrubs.
		await ref(b, 'stop').focus();
		await page.keyboard.press('Enter');
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
		await expect(ref(b, 'run')).toBeFocused();
		const last = Number(await b.getAttribute('data-event-index'));
		await page.keyboard.press('ArrowLeft');
		await expect(b).toHaveAttribute('data-event-index', String(last - 1));

		// Enter on Reset: back to idle, Reset disables, focus goes to Run.
		await ref(b, 'reset').focus();
		await page.keyboard.press('Enter');
		await expect(b).toHaveAttribute('data-state', 'idle');
		await expect(ref(b, 'reset')).toBeDisabled();
		await expect(ref(b, 'run')).toBeFocused();

		// A run that ends while focus is on Pause (slow motion, so there is time to focus it).
		await ref(b, 'max').fill('2');
		await b.locator('[data-rc="speed"][value="slow"]').check();
		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'running', { timeout: LOAD_TIMEOUT });
		await ref(b, 'pause').focus();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
		await expect(ref(b, 'run')).toBeFocused();
		const end = Number(await b.getAttribute('data-event-index'));
		await page.keyboard.press('ArrowLeft');
		await expect(b).toHaveAttribute('data-event-index', String(end - 1));
	});

	test("after a run, Enter on the scrubber's Next that reaches the last step leaves focus on the slider", async ({
		page,
	}) => {
		await page.goto(LESSON);
		const b = block(page);
		await ref(b, 'max').fill('2');
		await b.locator('[data-rc="speed"][value="realtime"]').check();
		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const last = Number(await b.getAttribute('data-event-index'));
		await ref(b, 'prev').click();
		await ref(b, 'next').focus();
		await page.keyboard.press('Enter');
		await expect(b).toHaveAttribute('data-event-index', String(last));
		await expect(ref(b, 'next')).toBeDisabled();
		await expect(ref(b, 'slider')).toBeFocused();
		await page.keyboard.press('ArrowLeft');
		await expect(b).toHaveAttribute('data-event-index', String(last - 1));
	});

	test.describe('a model download that never answers', () => {
		test.use({ allowedConsoleErrors: [/Failed to load resource/] });

		test('Stop while it waits cancels the download, and "Stopped while loading." stays', async ({ page }) => {
			await page.route('**/*.onnx', () => {
				// Never answered: the download stalls until the page gives up on it.
			});
			const failed: string[] = [];
			page.on('requestfailed', (r) => {
				if (r.url().endsWith('.onnx')) failed.push(r.failure()?.errorText ?? '');
			});
			await page.goto(LESSON);
			const b = block(page);
			const requested = page.waitForRequest(/\.onnx$/);
			await ref(b, 'run').click();
			await expect(b).toHaveAttribute('data-state', 'loading');
			await requested;
			await ref(b, 'stop').click();
			await expect(b).toHaveAttribute('data-state', 'idle');
			await expect(ref(b, 'status')).toHaveText('Stopped while loading.');
			await expect.poll(() => failed, { timeout: 10_000 }).toEqual([expect.stringMatching(/ABORTED/)]);
			await page.waitForTimeout(1_000);
			await expect(ref(b, 'status')).toHaveText('Stopped while loading.');
			await page.unroute('**/*.onnx');
			await ref(b, 'max').fill('2');
			await ref(b, 'run').click();
			await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		});
	});

	test.describe('after a failed load', () => {
		test.use({ allowedConsoleErrors: [/Failed to load resource/, /onnx|ort|session|protobuf|model/i] });

		test('Enter on Retry that succeeds leaves focus on Run, not on <body>', async ({ page }) => {
			await page.route('**/*.onnx', (route) => route.fulfill({ status: 404, body: 'not found' }));
			await page.goto(LESSON);
			const b = block(page);
			await ref(b, 'max').fill('2');
			await ref(b, 'run').click();
			await expect(b).toHaveAttribute('data-state', 'error', { timeout: LOAD_TIMEOUT });
			await page.unroute('**/*.onnx');
			await ref(b, 'retry').focus();
			await page.keyboard.press('Enter');
			await expect(ref(b, 'error')).toBeHidden({ timeout: 10_000 });
			await expect(ref(b, 'run')).toBeFocused();
			await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
			await expect(ref(b, 'run')).toBeFocused();
		});
	});

	test('a click on Run or a radio right after typing in a field lands (nothing moves between mousedown and mouseup)', async ({
		page,
	}) => {
		// At this width the longer summary takes one more line (25 px), as the issue measured.
		await page.setViewportSize({ width: 500, height: 900 });
		await page.goto(LESSON);
		const b = block(page);
		await openMore(b);
		await b.locator('[data-rc="strategy"][value="sample"]').click();
		// Where the pressed control is at mousedown and at mouseup, and whether it got the click.
		await b.evaluate((root) => {
			const log: string[] = [];
			(window as unknown as { rcPress: string[] }).rcPress = log;
			const top = (e: Event) =>
				`${Math.round((e.target as Element).closest('button, label')?.getBoundingClientRect().top ?? -1)}`;
			document.addEventListener('mousedown', (e) => log.push(`down ${top(e)}`), true);
			document.addEventListener('mouseup', (e) => log.push(`up ${top(e)}`), true);
			root.querySelector('[data-rc="run"]')!.addEventListener('click', () => log.push('click run'));
			for (const r of root.querySelectorAll('[data-rc="strategy"]'))
				r.addEventListener('click', () => log.push('click radio'));
		});
		const presses = () => page.evaluate(() => (window as unknown as { rcPress: string[] }).rcPress.splice(0));
		await presses();
		await ref(b, 'seed').click();
		await page.keyboard.press('ControlOrMeta+a');
		await page.keyboard.type('1234567890123456789012345678');
		await presses();
		await ref(b, 'run').click();
		const run = await presses();
		expect(run).toContain('click run');
		expect(run[0]!.replace('down', 'up')).toBe(run[1]);
		await expect(b).not.toHaveAttribute('data-state', 'idle');
		await ref(b, 'stop').click();

		await ref(b, 'temperature').click();
		await page.keyboard.press('ControlOrMeta+a');
		await page.keyboard.type('1.2345678901234567890');
		await presses();
		await b.locator('[data-rc="strategy"][value="greedy"]').click();
		const radio = await presses();
		expect(radio).toContain('click radio');
		expect(radio[0]!.replace('down', 'up')).toBe(radio[1]);
		await expect(b.locator('[data-rc="strategy"][value="greedy"]')).toBeChecked();
	});

	test('in slow motion the status line (role=status) is never rewritten with the same words', async ({ page }) => {
		await page.goto(LESSON);
		const b = block(page);
		await ref(b, 'max').fill('2');
		await b.locator('[data-rc="speed"][value="slow"]').check();
		await ref(b, 'status').evaluate((line) => {
			const writes: string[] = [];
			(window as unknown as { rcWrites: string[] }).rcWrites = writes;
			new MutationObserver(() => writes.push(line.textContent ?? '')).observe(line, {
				childList: true,
				characterData: true,
				subtree: true,
			});
		});
		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		const writes = await page.evaluate(() => (window as unknown as { rcWrites: string[] }).rcWrites);
		expect(writes).toContain('Running in slow motion…');
		expect(writes.filter((w, i) => i > 0 && w === writes[i - 1])).toEqual([]);
	});

	test('a deep link with out-of-range values shows them adjusted and says so; nothing downloads until Run replays it', async ({
		page,
	}) => {
		const heavy = watchHeavy(page);
		const url = new URL(localUrl(LESSON));
		url.search = 'rc=generate&prompt=hi&max=1e999&decode=sample&temp=-5&topk=99999&topp=7&seed=-3&step=4';
		url.hash = 'rc-generate';
		await page.goto(url.href);
		const b = block(page);
		await expect(ref(b, 'temperature')).toHaveValue('0.05');
		await expect(ref(b, 'topk')).toHaveValue('2048');
		await expect(ref(b, 'topp')).toHaveValue('1');
		await expect(ref(b, 'seed')).toHaveValue('0');
		await expect(ref(b, 'max')).toHaveValue('30');
		const note = ref(b, 'settings-note');
		await expect(note).toContainText("The link's settings were adjusted");
		await expect(note).toContainText('Max new tokens must be a number; using 30.');
		await expect(note).toContainText('Temperature must be from 0.05 to 2; using 0.05.');
		await expect(note).not.toContainText('topK');
		await expect(b).toBeInViewport();

		// Ready at its step with one click to replay; no model download without that click.
		await expect(ref(b, 'run')).toHaveText(/Run to replay step 5/);
		await expect(ref(b, 'status')).toHaveText(/This link opens step 5 .*Press Run to replay it/);
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(1_000);
		await expect(b).toHaveAttribute('data-state', 'idle');
		expect(heavy).toEqual([]);

		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(b).toHaveAttribute('data-event-index', '4');
		await expect(note).toContainText("The link's settings were adjusted");
		await expect(ref(b, 'run-label')).toHaveText('Run again');
	});

	test('under Save-Data, a deep link downloads nothing without a click', async ({ page }) => {
		await page.addInitScript(() =>
			Object.defineProperty(navigator, 'connection', { value: { saveData: true, effectiveType: '4g' } }),
		);
		const heavy = watchHeavy(page);
		await page.goto(`${LESSON}?rc=generate&prompt=In+the+beginning&max=2&step=3#rc-generate`);
		await expect(ref(block(page), 'run')).toHaveText(/Run to replay step 4/);
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(1_000);
		expect(heavy).toEqual([]);
	});

	test("under Save-Data, hovering or focusing Run fetches nothing, not even the runtime's small client code", async ({
		page,
	}) => {
		await page.addInitScript(() =>
			Object.defineProperty(navigator, 'connection', { value: { saveData: true, effectiveType: '4g' } }),
		);
		const scripts: string[] = [];
		await page.goto(LESSON);
		await page.waitForLoadState('networkidle');
		page.on('request', (r) => {
			if (r.resourceType() === 'script' || HEAVY.test(r.url())) scripts.push(r.url());
		});
		const run = ref(block(page), 'run');
		await run.hover();
		await run.focus();
		await page.waitForLoadState('networkidle');
		await page.waitForTimeout(500);
		expect(scripts).toEqual([]);
	});

	test('an empty or unreadable "Max new tokens" is replaced with the value used, and said so', async ({ page }) => {
		await page.goto(LESSON);
		const b = block(page);
		const max = ref(b, 'max');
		await max.fill('');
		await b.locator('[data-rc="speed"][value="realtime"]').check();
		await ref(b, 'run').click();
		await expect(ref(b, 'settings-note')).toHaveText('Adjusted: Max new tokens was empty; using 30.');
		await expect(max).toHaveValue('30');
		await ref(b, 'stop').click();
		await max.fill('');
		await max.pressSequentially('1e');
		await ref(b, 'run').click();
		await expect(ref(b, 'settings-note')).toHaveText('Adjusted: Max new tokens must be a number; using 30.');
		await expect(max).toHaveValue('30');
	});

	test('a prompt longer than the context: the page says how much was dropped and shows only what the model saw', async ({
		page,
	}) => {
		// Symbols and digits are rare in the training text, so each is about one token: 500 characters > 256 tokens.
		const prompt = Array.from({ length: 500 }, (_, i) => '!#%&*+/<=>?@^~|0123456789'[(i * 7) % 25]).join('');
		const events = await nodeRun(prompt, {
			maxNewTokens: 1,
			mode: 'cached',
			sampling: { strategy: 'greedy' },
			topCandidates: 5,
		});
		const encoded = events[0] as EncodeEvent;
		expect(encoded.truncated).toBeDefined();
		await page.goto(LESSON);
		const b = block(page);
		await ref(b, 'prompt').fill(prompt);
		await ref(b, 'max').fill('1');
		await b.locator('[data-rc="speed"][value="realtime"]').check();
		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		await expect(ref(b, 'run-notes')).toBeVisible();
		await expect(ref(b, 'run-notes')).toContainText(
			`its first ${encoded.truncated!.droppedTokens} tokens were dropped`,
		);
		const shown = await ref(b, 'out-prompt').textContent();
		expect(shown!.startsWith('…')).toBe(true);
		expect(prompt.endsWith(shown!.slice(1))).toBe(true);
		expect(shown!.length).toBeLessThan(prompt.length);
	});

	test("text pasted beyond the prompt box's 500 characters is cut with a note", async ({ page }) => {
		await page.goto(LESSON);
		const b = block(page);
		const box = ref(b, 'prompt');
		await box.fill('');
		await page.evaluate(() => navigator.clipboard.writeText('a'.repeat(520)));
		await box.focus();
		await page.keyboard.press('ControlOrMeta+v');
		await expect(box).toHaveValue('a'.repeat(500));
		await expect(ref(b, 'settings-note')).toHaveText(
			/at most 500 characters: 20 characters of the pasted text were left out/,
		);
	});

	test('a right-to-left override at the end of the prompt does not reverse the generated text', async ({ page }) => {
		await page.goto(LESSON);
		const b = block(page);
		await ref(b, 'prompt').fill('And God said\u202E');
		await ref(b, 'max').fill('8');
		await b.locator('[data-rc="speed"][value="realtime"]').check();
		await ref(b, 'run').click();
		await expect(b).toHaveAttribute('data-state', 'done', { timeout: LOAD_TIMEOUT });
		// Two neighbouring letters of the generated text are laid out left to right.
		const order = await ref(b, 'out-gen').evaluate((el) => {
			el.normalize();
			const text = el.firstChild as Text;
			const s = text.data;
			const i = [...s].findIndex((_, k) => /\p{L}/u.test(s[k]!) && /\p{L}/u.test(s[k + 1] ?? ''));
			const x = (k: number) => {
				const r = document.createRange();
				r.setStart(text, k);
				r.setEnd(text, k + 1);
				return r.getBoundingClientRect().left;
			};
			return { i, first: x(i), second: x(i + 1) };
		});
		expect(order.i).toBeGreaterThanOrEqual(0);
		expect(order.second).toBeGreaterThan(order.first);
	});
});
