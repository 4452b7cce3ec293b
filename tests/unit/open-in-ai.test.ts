import { describe, expect, it } from 'vitest';
import {
	MAX_PREFILL_URL_LENGTH,
	aiLinks,
	buildAiLink,
	characterCount,
	clipboardFallbackPrompt,
	clip,
	fitsInUrl,
	largestFitting,
	lessonPrompt,
	markdownTwinUrl,
	prefillUrl,
	tryItPrompt,
} from '../../src/components/open-in-ai';

const lesson = {
	title: 'The autoregressive loop',
	url: 'https://example.org/course/lessons/the-autoregressive-loop/',
	markdownUrl: 'https://example.org/course/lessons/the-autoregressive-loop.md',
};

describe('prefillUrl', () => {
	it('puts the prompt in the q parameter of each assistant', () => {
		const prompt = 'What is 2 + 2? & why "quotes"?\nNew line';
		const chatgpt = new URL(prefillUrl('chatgpt', prompt));
		const claude = new URL(prefillUrl('claude', prompt));
		expect(chatgpt.origin + chatgpt.pathname).toBe('https://chatgpt.com/');
		expect(claude.origin + claude.pathname).toBe('https://claude.ai/new');
		expect(chatgpt.searchParams.get('q')).toBe(prompt);
		expect(claude.searchParams.get('q')).toBe(prompt);
	});
});

describe('buildAiLink', () => {
	it('pre-fills the full prompt when the URL fits', () => {
		const link = buildAiLink('claude', 'short prompt', 'fallback');
		expect(new URL(link.href).searchParams.get('q')).toBe('short prompt');
		expect(link.clipboardText).toBeUndefined();
	});

	it('falls back to the short prompt and the clipboard when the URL would be too long', () => {
		const long = 'token '.repeat(400);
		expect(prefillUrl('chatgpt', long).length).toBeGreaterThan(MAX_PREFILL_URL_LENGTH);
		const link = buildAiLink('chatgpt', long, clipboardFallbackPrompt(lesson));
		expect(link.href.length).toBeLessThanOrEqual(MAX_PREFILL_URL_LENGTH);
		expect(new URL(link.href).searchParams.get('q')).toContain(lesson.url);
		expect(link.clipboardText).toBe(long);
	});

	it('measures the encoded URL, not the raw text', () => {
		// 700 characters that each encode to 9 bytes (%E2%80%9C) are far over the limit once encoded.
		const quotes = '“'.repeat(700);
		expect(buildAiLink('claude', quotes, 'short').clipboardText).toBe(quotes);
	});

	it('cuts a fallback prompt that is itself too long, keeping its start, so the link still works', () => {
		const fallback = `${clipboardFallbackPrompt(lesson)} ${'y'.repeat(3000)}`;
		const link = buildAiLink('claude', 'x'.repeat(3000), fallback);
		expect(link.href.length).toBeLessThanOrEqual(MAX_PREFILL_URL_LENGTH);
		const q = new URL(link.href).searchParams.get('q')!;
		expect(q).toContain(lesson.url);
		expect(q.endsWith('y…')).toBe(true);
		expect(link.clipboardText).toBe('x'.repeat(3000));
	});

	it('cuts CJK and emoji by their encoded length, between characters', () => {
		for (const text of ['起初神创造天地。'.repeat(200), '👨‍👩‍👧‍👦'.repeat(200)]) {
			for (const assistant of ['chatgpt', 'claude'] as const) {
				const link = buildAiLink(assistant, text, text);
				expect(link.href.length).toBeLessThanOrEqual(MAX_PREFILL_URL_LENGTH);
				const q = new URL(link.href).searchParams.get('q')!;
				expect(q.endsWith('…')).toBe(true);
				expect(text.startsWith(q.slice(0, -1))).toBe(true);
				// As long as it can be: one more character would not fit.
				expect(fitsInUrl(assistant, clip(text, characterCount(q.slice(0, -1)) + 1))).toBe(false);
			}
		}
	});
});

describe('clip and largestFitting', () => {
	it('clip counts characters as a reader does and marks a cut', () => {
		expect(clip('abc', 3)).toBe('abc');
		expect(clip('abcd', 3)).toBe('abc…');
		expect(clip('👨‍👩‍👧‍👦é👍🏽x', 3)).toBe('👨‍👩‍👧‍👦é👍🏽…');
		expect(clip('abc', 0)).toBe('…');
	});

	it('largestFitting finds the boundary, and 0 when nothing fits', () => {
		expect(largestFitting(100, (n) => n <= 37)).toBe(37);
		expect(largestFitting(100, () => true)).toBe(100);
		expect(largestFitting(100, () => false)).toBe(0);
		expect(largestFitting(0, () => true)).toBe(0);
	});
});

describe('prompts', () => {
	it('the lesson prompt names the lesson and its Markdown twin and asks for the why, the demo and a quiz', () => {
		const prompt = lessonPrompt(lesson);
		expect(prompt).toContain(lesson.url);
		expect(prompt).toContain(lesson.markdownUrl);
		expect(prompt).toMatch(/why it matters/);
		expect(prompt).toMatch(/explain the demo/);
		expect(prompt).toMatch(/quiz me on the lesson's try-it list/);
	});

	it('a try-it prompt carries the prompt verbatim and the lesson URL', () => {
		const prompt = tryItPrompt(lesson, 'Why does the model run once per output token?');
		expect(prompt).toContain(lesson.url);
		expect(prompt.endsWith('Why does the model run once per output token?')).toBe(true);
	});

	it('aiLinks returns one link per assistant, each naming the lesson URL', () => {
		const links = aiLinks(lesson, tryItPrompt(lesson, 'A question.'));
		expect(links.map((link) => link.id)).toEqual(['chatgpt', 'claude']);
		for (const link of links) expect(new URL(link.href).searchParams.get('q')).toContain(lesson.url);
	});
});

describe('markdownTwinUrl', () => {
	it.each([
		['https://example.org/lessons/x/', '/', 'https://example.org/lessons/x.md'],
		['https://example.org/repo/lessons/x/', '/repo/', 'https://example.org/repo/lessons/x.md'],
		['https://example.org/repo/lessons/x/#the-demo', '/repo', 'https://example.org/repo/lessons/x.md'],
		['https://example.org/', '/', 'https://example.org/index.md'],
		['https://example.org/repo/', '/repo/', 'https://example.org/repo/index.md'],
		['/repo/lessons/x/', '/repo/', '/repo/lessons/x.md'],
		['/lessons/x', '/', '/lessons/x.md'],
	])('%s (base %s) → %s', (page, base, twin) => {
		expect(markdownTwinUrl(page, base)).toBe(twin);
	});
});
