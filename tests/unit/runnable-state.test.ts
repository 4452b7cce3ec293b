import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../src/runtime/events';
import {
	buildLink,
	normaliseSettings,
	parseLink,
	toGenerateSettings,
	type ReaderSettings,
} from '../../src/components/runnable/settings';
import { runnablePropsSchema } from '../../src/components/runnable/schema';
import {
	applyEvent,
	currentView,
	describeStep,
	emptyView,
	pendingStep,
	viewAt,
	type ViewSource,
} from '../../src/components/runnable/view-model';
import { askLinks, askPrompt } from '../../src/components/runnable/ask-ai';

const defaults: ReaderSettings = {
	prompt: 'And God said,',
	maxNewTokens: 30,
	mode: 'naive',
	strategy: 'greedy',
	temperature: 0.8,
	topK: 40,
	topP: 0.95,
	seed: 42,
};
const page = 'https://course.example/lessons/the-autoregressive-loop/';

const cand = (id: number, token: string, prob: number) => ({ id, token, prob, logit: Math.log(prob) });
/** A two-iteration run in the runtime's event shapes. */
const events: StepEvent[] = [
	{
		step: 'encode',
		index: 0,
		iteration: -1,
		ids: [10, 11],
		tokens: ['And', ' God'],
		startedFromBos: false,
		notices: [],
	},
	{ step: 'forward', index: 1, iteration: 0, inputLength: 2, sequenceLength: 2, usedCache: false, ms: 5 },
	{ step: 'last-logits', index: 2, iteration: 0, position: 1, vocabSize: 2048 },
	{
		step: 'select',
		index: 3,
		iteration: 0,
		strategy: 'greedy',
		candidates: [cand(12, ' said', 0.6), cand(13, ',', 0.2)],
		chosen: cand(12, ' said', 0.6),
	},
	{ step: 'append', index: 4, iteration: 0, id: 12, token: ' said', length: 3, generatedText: ' said' },
	{ step: 'eos-check', index: 5, iteration: 0, id: 12, isEos: false, decision: 'continue' },
	{ step: 'forward', index: 6, iteration: 1, inputLength: 1, sequenceLength: 3, usedCache: true, ms: 2 },
	{ step: 'last-logits', index: 7, iteration: 1, position: 2, vocabSize: 2048 },
	{
		step: 'select',
		index: 8,
		iteration: 1,
		strategy: 'greedy',
		candidates: [cand(2047, '', 0.9)],
		chosen: cand(2047, '', 0.9),
	},
	{ step: 'append', index: 9, iteration: 1, id: 2047, token: '', length: 4, generatedText: ' said' },
	{ step: 'eos-check', index: 10, iteration: 1, id: 2047, isEos: true, decision: 'stop' },
	{
		step: 'done',
		index: 11,
		iteration: 1,
		reason: 'eos',
		ids: [10, 11, 12, 2047],
		text: 'And God said',
		generatedText: ' said',
		stats: {
			timeToFirstTokenMs: 6,
			perTokenMs: [5, 2],
			tokensPerSecond: 200,
			prefillMs: 5,
			decodeMs: 2,
			totalMs: 10,
			newTokens: 2,
		},
	},
];

describe('settings and links', () => {
	it('round-trips every setting and the step through a link', () => {
		const settings: ReaderSettings = {
			prompt: 'In the beginning & “quotes” #1',
			maxNewTokens: 7,
			mode: 'cached',
			strategy: 'sample',
			temperature: 0.7,
			topK: 20,
			topP: 0.9,
			seed: 7,
		};
		const link = buildLink(`${page}?other=1#intro`, { blockId: 'generate', settings, step: 12 });
		expect(link).toMatch(/#rc-generate$/);
		expect(new URL(link).searchParams.get('other')).toBeNull();
		expect(parseLink(link, 'generate', defaults)).toEqual({ blockId: 'generate', settings, step: 12, problems: [] });
	});

	it('ignores links to another block and leaves greedy links free of sampling noise', () => {
		const link = buildLink(page, { blockId: 'a', settings: defaults });
		expect(parseLink(link, 'b', defaults)).toBeNull();
		expect(new URL(link).searchParams.has('temp')).toBe(false);
		expect(parseLink(link, 'a', defaults)?.step).toBeUndefined();
	});

	it('clamps out-of-range and garbage values from a link and says so', () => {
		const parsed = parseLink(`${page}?rc=a&max=9999&temp=abc&mode=turbo&step=-3`, 'a', defaults)!;
		expect(parsed.settings.maxNewTokens).toBe(200);
		expect(parsed.settings.temperature).toBe(defaults.temperature);
		expect(parsed.settings.mode).toBe('naive');
		expect(parsed.step).toBeUndefined();
		expect(parsed.problems.join(' ')).toMatch(/Max new tokens must be a whole number from 1 to 200; using 200/);
	});

	it("says what it changed in the reader's words, with correct plurals (issue 18)", () => {
		const link = `${page}?rc=a&prompt=hi&max=1e999&decode=sample&temp=-5&topk=99999&topp=7&seed=-3&mode=turbo&step=x`;
		const { settings, problems } = parseLink(link, 'a', defaults)!;
		expect(settings).toMatchObject({
			maxNewTokens: 30,
			strategy: 'sample',
			temperature: 0.05,
			topK: 2048,
			topP: 1,
			seed: 0,
			mode: 'naive',
		});
		const said = problems.join(' ');
		expect(said).toContain('Max new tokens must be a number; using 30.');
		expect(said).toContain('Temperature must be from 0.05 to 2; using 0.05.');
		expect(said).toContain('Top-k must be a whole number from 0 to 2048; using 2048.');
		expect(said).toContain('Top-p must be from 0.01 to 1; using 1.');
		expect(said).toContain('Seed must be a whole number from 0 to 2147483647; using 0.');
		expect(said).toContain('The loop must be naive or KV cache; using naive.');
		expect(said).toContain('The link\'s step "x" is not a step number');
		expect(said).not.toMatch(/maxNewTokens|topK|topP|temperature must/);
		expect(normaliseSettings({ prompt: 'x'.repeat(501) }, defaults).problems).toEqual([
			'The prompt is limited to 500 characters; the rest (1 character) was left out.',
		]);
	});

	it('an empty or non-numeric field is replaced with the default and said so; a value left out is not (issue 18)', () => {
		for (const [raw, said] of [
			['', 'Max new tokens was empty; using 30.'],
			['abc', 'Max new tokens must be a number; using 30.'],
			['1e', 'Max new tokens must be a number; using 30.'],
			[Number.NaN, 'Max new tokens must be a number; using 30.'],
		] as const) {
			const { settings, problems } = normaliseSettings({ maxNewTokens: raw }, defaults);
			expect(settings.maxNewTokens).toBe(30);
			expect(problems).toEqual([said]);
		}
		expect(normaliseSettings({}, defaults).problems).toEqual([]);
		expect(normaliseSettings({ prompt: 'x'.repeat(500) }, defaults).problems).toEqual([]);
	});

	it('maps reader settings to the runtime settings', () => {
		expect(toGenerateSettings(defaults)).toEqual({
			maxNewTokens: 30,
			mode: 'naive',
			topCandidates: 5,
			sampling: { strategy: 'greedy' },
		});
		expect(toGenerateSettings({ ...defaults, strategy: 'sample' }, 3).sampling).toEqual({
			strategy: 'sample',
			temperature: 0.8,
			topK: 40,
			topP: 0.95,
			seed: 42,
		});
		expect(normaliseSettings({ maxNewTokens: '2.6' }, defaults).settings.maxNewTokens).toBe(3);
	});

	it('validates component props at build time', () => {
		expect(runnablePropsSchema.parse({ id: 'generate', code: 'x' })).toMatchObject({
			lang: 'python',
			maxNewTokens: 30,
			mode: 'naive',
			speed: 'slow',
		});
		expect(() => runnablePropsSchema.parse({ id: 'Bad Id', code: 'x' })).toThrow(/lowercase/);
		expect(() => runnablePropsSchema.parse({ id: 'a', code: 'x', maxNewTokens: 0 })).toThrow();
		expect(() => runnablePropsSchema.parse({ id: 'a', code: 'x', mode: 'fast' })).toThrow();
		// The loop picks the listing's step vocabulary; generate (lesson 1's) by default.
		expect(runnablePropsSchema.parse({ id: 'a', code: 'x' }).loop).toBe('generate');
		expect(() => runnablePropsSchema.parse({ id: 'a', code: 'x', loop: 'no-such-loop' })).toThrow();
		expect(runnablePropsSchema.parse({ id: 'a', code: 'x' }).topCandidates).toBe(
			toGenerateSettings(defaults).topCandidates,
		);
	});
});

describe('view model', () => {
	it('folds events into the panel state', () => {
		const v = viewAt(events, 5);
		expect(v.current?.step).toBe('eos-check');
		expect(v.previous?.step).toBe('append');
		expect(v.tokens).toEqual([
			{ id: 10, token: 'And', generated: false },
			{ id: 11, token: ' God', generated: false },
			{ id: 12, token: ' said', generated: true },
		]);
		expect(v.chosen?.id).toBe(12);
		expect(v.forwardMs).toEqual([5]);
		expect(v.generatedText).toBe(' said');
		expect(v.done).toBeUndefined();
	});

	it('gives the same state incrementally as by folding, at every index', () => {
		const live = emptyView();
		events.forEach((e, i) => {
			applyEvent(live, e);
			expect(viewAt(events, i)).toEqual(live);
		});
		expect(live.done?.reason).toBe('eos');
		expect(live.forwardMs).toEqual([5, 2]);
	});

	it('describes each step for the status line', () => {
		expect(describeStep(events[6])).toBe('forward: fed 1 token, the cache holds 2; 2.0 ms.');
		expect(describeStep(events[1])).toBe('forward: ran the whole model over 2 tokens; 5.0 ms.');
		expect(describeStep(events[3])).toBe('select (greedy): picked “·said” (id 12), p = 0.60.');
		expect(describeStep(events[10])).toMatch(/end-of-sequence token, so the loop stops/);
	});
});

describe("the view a run's panels share", () => {
	it('folds on as the run moves forward, refolds when scrubbing back or when a new run starts', () => {
		const run: ViewSource = { state: 'running', pace: 'realtime', events: events.slice(0, 3), shownIndex: 2 };
		const first = currentView(run);
		expect(first).toEqual(viewAt(events, 2));
		run.events = events; // a new run's array
		run.shownIndex = 11;
		expect(currentView(run)).toEqual(viewAt(events, 11));
		const live = currentView(run);
		run.shownIndex = 4;
		const back = currentView(run);
		expect(back).not.toBe(live);
		expect(back).toEqual(viewAt(events, 4));
		run.shownIndex = 7;
		expect(currentView(run)).toBe(back);
		expect(back).toEqual(viewAt(events, 7));
		run.events = [];
		run.shownIndex = -1;
		expect(currentView(run)).toEqual(emptyView());
	});

	it('marks the forward pass as in progress after encode and after each "continue", unless stepping by hand', () => {
		const at = (i: number, pace: 'realtime' | 'slow' | 'step' = 'slow', state: ViewSource['state'] = 'running') =>
			pendingStep({ state, pace, events: events.slice(0, i + 1), shownIndex: i });
		expect(at(-1)).toBe('encode');
		expect(at(-1, 'realtime')).toBeUndefined();
		expect(at(0)).toBe('forward');
		expect(at(5, 'realtime', 'paused')).toBe('forward');
		expect(at(5, 'step', 'paused')).toBeUndefined();
		expect(at(3)).toBeUndefined();
		expect(at(10)).toBeUndefined();
		expect(at(0, 'slow', 'done')).toBeUndefined();
	});
});

describe('Ask AI about this step', () => {
	const ctx = (code: string) => ({
		pageTitle: 'The autoregressive loop',
		pageUrl: page,
		code,
		currentLines: ['        next_id = int(next_logits.argmax())'],
		settings: defaults,
		view: viewAt(events, 3),
		totalEvents: events.length,
	});

	it('puts the code, the step and the visible state in the question', () => {
		const q = askPrompt(ctx('def generate(): ...'));
		expect(q).toContain('def generate(): ...');
		expect(q).toContain('event 4 of 12');
		expect(q).toContain('next_id = int(next_logits.argmax())');
		expect(q).toContain('Prompt: "And God said,"');
		expect(q).toContain('“·said” p=0.60 (chosen)');
	});

	it('keeps links under 2,000 characters, moving the full question to the clipboard when needed', () => {
		const short = askLinks(ctx('x = 1'));
		for (const link of short) {
			expect(link.href.length).toBeLessThanOrEqual(2000);
			expect(link.clipboardText).toBeUndefined();
		}
		expect(short.map((l) => l.id)).toEqual(['chatgpt', 'claude']);
		const long = askLinks(ctx('x = 1\n'.repeat(400)));
		for (const link of long) {
			expect(link.href.length).toBeLessThanOrEqual(2000);
			expect(link.clipboardText).toContain('x = 1');
		}
		expect(long[0]!.href.startsWith('https://chatgpt.com/?q=')).toBe(true);
		expect(long[1]!.href.startsWith('https://claude.ai/new?q=')).toBe(true);
	});
});
