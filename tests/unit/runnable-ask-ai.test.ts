import { describe, expect, it } from 'vitest';
import type { StepEvent } from '../../src/runtime/events';
import { MAX_PREFILL_URL_LENGTH } from '../../src/components/open-in-ai';
import { askLinks, askPrompt, type AskContext } from '../../src/components/runnable/ask-ai';
import { buildLink, type ReaderSettings } from '../../src/components/runnable/settings';
import { viewAt } from '../../src/components/runnable/view-model';

const page = 'https://course.example/lessons/the-autoregressive-loop/';
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
const cand = (id: number, token: string, prob: number) => ({ id, token, prob, logit: Math.log(prob) });

/** One iteration of the loop in the runtime's event shapes, having generated `generatedText`. */
function eventsFor(generatedText: string): StepEvent[] {
	return [
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
		{ step: 'append', index: 4, iteration: 0, id: 12, token: ' said', length: 3, generatedText },
	];
}

/** What the island hands to askLinks: the page URL is the link to this step, which carries the prompt. */
function context(prompt: string, generatedText = ' said'): AskContext {
	const settings = { ...defaults, prompt };
	const events = eventsFor(generatedText);
	return {
		pageTitle: 'The autoregressive loop',
		pageUrl: buildLink(page, { blockId: 'generate', settings, step: 4 }),
		code: 'def generate(): ...',
		currentLines: ['        ids.append(next_id)'],
		settings,
		view: viewAt(events, 4),
		totalEvents: events.length,
	};
}

const readerPrompts = {
	'160 CJK characters': '起初，神创造天地。地是空虚混沌，渊面黑暗；神的灵运行在水面上。'.repeat(6).slice(0, 160),
	'100 emoji': '🙂'.repeat(100),
	'45 families of four joined emoji (495 UTF-16 units, near the 500 a reader can give)': '👨‍👩‍👧‍👦'.repeat(45),
	'500 characters that each encode to 9 bytes': '“'.repeat(500),
};

describe('Ask AI about this step, with prompts that are long once percent-encoded', () => {
	for (const [name, prompt] of Object.entries(readerPrompts)) {
		it(`${name}: working links to both assistants, with the full question on the clipboard`, () => {
			const ctx = context(prompt);
			const links = askLinks(ctx);
			expect(links.map((link) => link.id)).toEqual(['chatgpt', 'claude']);
			for (const link of links) {
				expect(link.href.length).toBeLessThanOrEqual(MAX_PREFILL_URL_LENGTH);
				const q = new URL(link.href).searchParams.get('q');
				expect(q).toContain('The autoregressive loop');
				expect(q).toContain(`${page}#rc-generate`);
				expect(q).toContain('Explain this step');
				// Cut between characters, never inside one (a broken surrogate pair would be sent as U+FFFD).
				expect(q).not.toContain('\uFFFD');
				expect(link.clipboardText).toBe(askPrompt(ctx));
			}
		});
	}

	it('keeps the link to the exact step in the short question when it fits', () => {
		const ctx = context('起初神创造天地。');
		for (const link of askLinks(ctx)) {
			expect(new URL(link.href).searchParams.get('q')).toContain(ctx.pageUrl);
		}
	});

	it('shortens a long prompt and a long generated text together, marking the cuts', () => {
		const ctx = context('天'.repeat(500), '地'.repeat(2000));
		for (const link of askLinks(ctx)) {
			expect(link.href.length).toBeLessThanOrEqual(MAX_PREFILL_URL_LENGTH);
			const q = new URL(link.href).searchParams.get('q')!;
			expect(q).toMatch(/Prompt: "天+…"/);
			expect(q).toMatch(/"地+…"/);
			expect(link.clipboardText).toBe(askPrompt(ctx));
		}
	});
});
