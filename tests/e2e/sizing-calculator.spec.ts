// The GPU sizing and token price calculator (lesson 7), on its test page, where measurements are
// fed by hand (lesson-sizing.spec.ts feeds it a real run on the lesson). Expected figures come
// from src/serving-math through the same view function the page uses, so the test checks the page
// against the formulas, not against itself.
import type { Locator, Page } from '@playwright/test';
import { test, expect, expectAccessible } from '../support/fixtures';
import {
	calculatorView,
	DEFAULT_STATE,
	FIGURES,
	type CalculatorState,
	type FigureKey,
} from '../../src/components/sizing-calculator/view';

const PAGE = 'dev/sizing-calculator/';

const calculator = (page: Page) => page.locator('sizing-calculator');
const figure = (page: Page, key: FigureKey) => calculator(page).locator(`dd [data-figure="${key}"]`);
const working = (page: Page, key: FigureKey) => calculator(page).locator(`[data-working="${key}"]`);
const field = (page: Page, name: string) => calculator(page).locator(`[name="${name}"]`);
const message = (page: Page, name: string) => calculator(page).locator(`[data-message-for="${name}"]`);

async function figures(page: Page): Promise<Record<FigureKey, string>> {
	const entries = await Promise.all(FIGURES.map(async (key) => [key, await figure(page, key).textContent()] as const));
	return Object.fromEntries(entries) as Record<FigureKey, string>;
}

async function expectFigures(page: Page, state: CalculatorState): Promise<void> {
	const view = calculatorView(state);
	for (const key of FIGURES) {
		await expect(figure(page, key), key).toHaveText(view.figures[key].value);
		await expect(working(page, key), key).toHaveText(view.figures[key].working);
	}
	await expect(calculator(page).locator('[data-verdict]')).toHaveText(view.verdict);
}

async function expectNoBrokenNumbers(root: Locator): Promise<void> {
	const text = (await root.innerText()) + (await root.locator('svg').evaluate((svg) => svg.outerHTML));
	expect(text).not.toMatch(/NaN|Infinity|undefined/);
}

/** Types into a field and leaves it, as a reader does; the change event commits the value. */
async function enter(page: Page, name: string, value: string): Promise<void> {
	await field(page, name).fill(value);
	await field(page, name).press('Tab');
}

test('renders the default configuration from the formulas, with no NaN or Infinity', async ({ page }) => {
	await page.goto(PAGE);
	await expectFigures(page, DEFAULT_STATE);
	await expect(figure(page, 'kvPerToken')).toHaveText('131,072 B');
	await expect(figure(page, 'weights')).toHaveText('16.06 GB');
	await expect(calculator(page).locator('[data-measured-status]')).toHaveText('Not measured yet — run the model.');
	await expectNoBrokenNumbers(calculator(page));
	// Sources sit beside the figures they feed.
	await expect(calculator(page).locator('a[data-source="gpu"]').first()).toHaveAttribute(
		'href',
		'https://www.nvidia.com/en-us/data-center/h100/',
	);
	await expect(calculator(page).locator('a[data-source="model"]').first()).toHaveAttribute(
		'href',
		/Meta-Llama-3-8B\/blob\/main\/config\.json$/,
	);
});

const changes: {
	name: string;
	value: string;
	kind: 'select' | 'text';
	state: Partial<CalculatorState>;
	unchanged: FigureKey[];
}[] = [
	{ name: 'modelId', value: 'llama-3-70b', kind: 'select', state: { modelId: 'llama-3-70b' }, unchanged: [] },
	{
		name: 'gpuId',
		value: 'l4',
		kind: 'select',
		state: { gpuId: 'l4' },
		unchanged: ['weights', 'kvPerToken', 'kvInFlight', 'memoryUsed'],
	},
	{
		name: 'weightDtype',
		value: 'fp8',
		kind: 'select',
		state: { weightDtype: 'fp8' },
		unchanged: ['kvPerToken', 'kvInFlight'],
	},
	{ name: 'kvDtype', value: 'fp8', kind: 'select', state: { kvDtype: 'fp8' }, unchanged: ['weights'] },
	{
		name: 'contextTokens',
		value: '4096',
		kind: 'text',
		state: { contextTokens: 4096 },
		unchanged: ['weights', 'kvPerToken'],
	},
	{
		name: 'users',
		value: '16',
		kind: 'text',
		state: { users: 16 },
		unchanged: ['weights', 'kvPerToken', 'maxSequences'],
	},
	{
		name: 'pricePerGpuHour',
		value: '4.50',
		kind: 'text',
		state: { pricePerGpuHour: 4.5 },
		unchanged: [
			'weights',
			'kvPerToken',
			'kvInFlight',
			'memoryUsed',
			'memoryLeft',
			'maxSequences',
			'stepFloor',
			'tokensPerUser',
			'tokensTotal',
			'tokensPerHour',
		],
	},
];

for (const change of changes) {
	test(`changing ${change.name} updates every figure that depends on it, the chart and its table`, async ({ page }) => {
		await page.goto(PAGE);
		const before = await figures(page);
		const chartRows = calculator(page).locator('[data-chart-rows]');
		const tableBefore = await chartRows.textContent();
		if (change.kind === 'select') await field(page, change.name).selectOption(change.value);
		else await enter(page, change.name, change.value);
		const state = { ...DEFAULT_STATE, ...change.state };
		await expectFigures(page, state);
		const after = await figures(page);
		for (const key of FIGURES) {
			if (change.unchanged.includes(key))
				expect(after[key], `${key} does not depend on ${change.name}`).toBe(before[key]);
			else expect(after[key], `${key} depends on ${change.name}`).not.toBe(before[key]);
		}
		const view = calculatorView(state);
		await expect(calculator(page).locator('[data-chart-desc]')).toHaveText(view.chart.description);
		expect(await chartRows.textContent()).not.toBe(tableBefore);
		await expect(chartRows.locator('tr')).toHaveCount(view.chart.points.length);
		// The polite summary catches up once the reader pauses.
		await expect(calculator(page).locator('[data-summary]')).toHaveText(view.summary);
		await expectNoBrokenNumbers(calculator(page));
	});
}

test('bad inputs get a message in the page and the field shows the value used', async ({ page }) => {
	await page.goto(PAGE);
	const cases = [
		{ name: 'users', typed: '0', shown: '1', text: 'Concurrent users must be at least 1; using 1.' },
		{ name: 'users', typed: '-4', shown: '1', text: 'Concurrent users must be at least 1; using 1.' },
		{ name: 'users', typed: '', shown: '1', text: 'Concurrent users is empty; using 1.' },
		{
			name: 'pricePerGpuHour',
			typed: '0',
			shown: '0.01',
			text: 'Price per GPU-hour must be at least $0.01; using $0.01.',
		},
		{ name: 'pricePerGpuHour', typed: 'cheap', shown: '0.01', text: '“cheap” is not a number; using $0.01.' },
		{
			name: 'contextTokens',
			typed: '10000000000',
			shown: '8192',
			text: 'Context cap can be at most 8,192 tokens. Llama-3-8B was built for 8,192 positions (max_position_embeddings in its config.json). Using 8,192 tokens.',
		},
		{
			name: 'contextTokens',
			typed: '<img src=x>',
			shown: '8192',
			text: '“<img src=x>” is not a number; using 8,192 tokens.',
		},
	];
	for (const { name, typed, shown, text } of cases) {
		await enter(page, name, typed);
		await expect(message(page, name)).toBeVisible();
		await expect(message(page, name)).toHaveText(text);
		await expect(field(page, name)).toHaveValue(shown);
		await expect(field(page, name)).toHaveAccessibleDescription(
			new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
		);
		await expectNoBrokenNumbers(calculator(page));
	}
	// Reader text is shown as text, never parsed as markup.
	await expect(calculator(page).locator('img')).toHaveCount(0);
	await expectFigures(page, { ...DEFAULT_STATE, users: 1, pricePerGpuHour: 0.01 });
	// A good value clears the message.
	await enter(page, 'users', '4');
	await expect(message(page, 'users')).toBeHidden();
});

test('a model that does not fit says by how much, and shows no speed or price for it', async ({ page }) => {
	await page.goto(PAGE);
	await field(page, 'modelId').selectOption('llama-3-70b');
	const verdict = calculator(page).locator('[data-verdict]');
	await expect(verdict).toHaveText(
		/^Does not fit: the weights alone need 141\.11 GB of the GPU’s 80 GB, \d+\.\d+ GB too much with the caches\.$/,
	);
	await expect(verdict).toHaveAttribute('data-fits', 'false');
	await expect(figure(page, 'costPerMillion')).toHaveText('does not fit');
	await expect(calculator(page).locator('[data-chart-desc]')).toHaveText(
		'Nothing to plot: the weights alone do not fit on this GPU.',
	);
	// In fp8 the 70B fits on one H100 with a few users.
	await field(page, 'weightDtype').selectOption('fp8');
	await enter(page, 'users', '2');
	await expect(verdict).toHaveText(/^Fits, with/);
});

test('the measured row waits for a measurement, then shows it; a bad one is refused with a reason', async ({
	page,
}) => {
	await page.goto(PAGE);
	const status = calculator(page).locator('[data-measured-status]');
	await expect(status).toHaveText('Not measured yet — run the model.');
	await calculator(page).evaluate((element) =>
		element.dispatchEvent(
			new CustomEvent('measurement', {
				detail: { weightBytes: 8_888_832, kvBytesPerToken: 6144, msPerToken: 4, backend: 'wasm' },
			}),
		),
	);
	await expect(status).toHaveText('Measured here (wasm).');
	const row = calculator(page).locator('[data-measured-row]');
	await expect(row.locator('[data-measured="weights"]')).toHaveText('8.89 MB');
	await expect(row.locator('[data-measured="kvPerToken"]')).toHaveText('6,144 B');
	await expect(row.locator('[data-measured="msPerToken"]')).toHaveText('4 ms');
	await expect(row.locator('[data-measured="tokensPerHour"]')).toHaveText('900,000');
	// The same contract as a property and as an attribute.
	await calculator(page).evaluate((element) => {
		(element as HTMLElement & { measurement: unknown }).measurement = {
			weightBytes: 8_888_832,
			kvBytesPerToken: 6144,
			msPerToken: 2,
			backend: 'webgpu',
		};
	});
	await expect(status).toHaveText('Measured here (webgpu).');
	await expect(row.locator('[data-measured="tokensPerHour"]')).toHaveText('1,800,000');
	await calculator(page).evaluate((element) =>
		element.setAttribute(
			'data-measurement',
			'{"weightBytes": 8888832, "kvBytesPerToken": 6144, "msPerToken": 8, "backend": "wasm"}',
		),
	);
	await expect(row.locator('[data-measured="tokensPerHour"]')).toHaveText('450,000');
	await calculator(page).evaluate((element) => element.setAttribute('data-measurement', '{"weightBytes": -1}'));
	await expect(status).toHaveText(
		"Measurement not shown: The measurement's weightBytes must be a positive number, got -1.",
	);
	await expectNoBrokenNumbers(calculator(page));
});

test('one polite live region for the summary; figures do not announce themselves', async ({ page }) => {
	await page.goto(PAGE);
	const live = calculator(page).locator('[aria-live]:not([aria-live="off"]), [role="status"]');
	await expect(live).toHaveCount(1);
	await expect(live).toHaveAttribute('aria-live', 'polite');
	await expect(calculator(page).locator('output:not([aria-live="off"])')).toHaveCount(0);
	// Loading the page announces nothing; a change announces one line.
	await page.waitForTimeout(1500);
	await expect(live).toHaveText('');
	await enter(page, 'users', '4');
	await expect(live).toHaveText(/^Llama-3-8B .* 4 users at 8,192 tokens: fits with/);
});

test('keyboard operable with visible focus', async ({ page }) => {
	await page.goto(PAGE);
	await field(page, 'modelId').focus();
	expect(await field(page, 'modelId').evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
	for (let i = 0; i < 5; i++) await page.keyboard.press('Tab');
	await expect(field(page, 'users')).toBeFocused();
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.type('32');
	await page.keyboard.press('Tab');
	await expectFigures(page, { ...DEFAULT_STATE, users: 32 });
});

test('readable at 375 px: nothing overflows the page', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 800 });
	await page.goto(PAGE);
	const overflow = await page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth,
	);
	expect(overflow).toBeLessThanOrEqual(0);
	const box = await calculator(page).locator('svg').boundingBox();
	expect(box!.width).toBeLessThanOrEqual(375);
});

for (const colorScheme of ['light', 'dark'] as const) {
	test(`passes axe-core in the ${colorScheme} theme, with a message showing and the chart's table open`, async ({
		page,
	}) => {
		await page.emulateMedia({ colorScheme });
		await page.goto(PAGE);
		await enter(page, 'users', 'many');
		await calculator(page).locator('summary').click();
		await expectAccessible(page);
	});
}
