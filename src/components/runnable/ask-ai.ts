/**
 * "Ask AI about this step": the question sent to an assistant, with the listing, the current step
 * and the visible state. Falls back to a short prompt in the URL plus the full text on the
 * clipboard when the URL would be too long (see ../open-in-ai.ts).
 */
import {
	assistantIds,
	assistants,
	buildAiLink,
	characterCount,
	clip,
	fitsInUrl,
	largestFitting,
	type AiLink,
	type AssistantId,
} from '../open-in-ai';
import type { ReaderSettings } from './settings';
import { describeStep, formatProb, showToken, type ViewState } from './view-model';

export interface AskContext {
	pageTitle: string;
	/** The link to this step: its query carries the reader's settings, prompt included. */
	pageUrl: string;
	/** The listing as rendered (annotations stripped). */
	code: string;
	/** The listing lines of the current step, as text. */
	currentLines: string[];
	settings: ReaderSettings;
	view: ViewState;
	/** Total recorded events, for "step 12 of 40". */
	totalEvents: number;
}

/** `maxText` caps the reader's prompt and the generated text, in characters. */
function stateLines(ctx: AskContext, maxTokens: number, maxText = Infinity): string[] {
	const { view, settings } = ctx;
	const lines: string[] = [];
	lines.push(`Prompt: ${JSON.stringify(clip(settings.prompt, maxText))}`);
	lines.push(
		`Settings: max_new=${settings.maxNewTokens}, ${settings.mode === 'cached' ? 'KV cache' : 'naive (no cache)'}, ` +
			(settings.strategy === 'greedy'
				? 'greedy'
				: `sampling (temperature ${settings.temperature}, top-k ${settings.topK}, top-p ${settings.topP}, seed ${settings.seed})`),
	);
	const generated = view.tokens.filter((t) => t.generated);
	const shown = generated.slice(-maxTokens);
	lines.push(
		`Generated so far (${generated.length} token${generated.length === 1 ? '' : 's'}): ${JSON.stringify(clip(view.generatedText, maxText))}` +
			(shown.length
				? ` = ${shown.length < generated.length ? '… ' : ''}${shown.map((t) => `${showToken(t.token)}(${t.id})`).join(' ')}`
				: ''),
	);
	if (view.candidates.length) {
		lines.push(
			`Top candidates at the last pick: ${view.candidates.map((c) => `${showToken(c.token)} p=${formatProb(c.prob)}${view.chosen && c.id === view.chosen.id ? ' (chosen)' : ''}`).join(', ')}`,
		);
	}
	return lines;
}

export function askPrompt(ctx: AskContext, maxTokens = 40): string {
	const step = ctx.view.current;
	return [
		`I'm studying the lesson "${ctx.pageTitle}" (${ctx.pageUrl}). It runs this code with a small GPT-style model in my browser, one step at a time:`,
		'```',
		ctx.code,
		'```',
		`The run is at event ${ctx.view.index + 1} of ${ctx.totalEvents}, loop iteration ${Math.max(ctx.view.iteration, 0) + 1}, on the line${ctx.currentLines.length === 1 ? '' : 's'}: ${ctx.currentLines.map((l) => l.trim()).join(' / ') || '(none)'}`,
		`What just happened: ${describeStep(step)}`,
		...stateLines(ctx, maxTokens),
		'Explain what this line does at this step, what the numbers mean, and what happens next in the loop.',
	].join('\n');
}

/** Without the code and with fewer tokens: fits in a URL in most cases. */
export function shortAskPrompt(ctx: AskContext, pageUrl = ctx.pageUrl, maxText = Infinity): string {
	return [
		`I'm studying the lesson "${ctx.pageTitle}" (${pageUrl}): it runs the autoregressive generation loop step by step in my browser.`,
		`Current step: ${describeStep(ctx.view.current)}`,
		...stateLines(ctx, 8, maxText),
		'Explain this step of the loop and what happens next.',
	].join('\n');
}

/**
 * The short question, made to fit `assistant`'s URL. The step link repeats the reader's prompt, so
 * when it does not fit the lesson's address stands in for it, and the prompt and the generated
 * text are cut to the longest length that fits. The full question is on the clipboard anyway.
 */
function fittedShortAskPrompt(ctx: AskContext, assistant: AssistantId): string {
	const withStepLink = shortAskPrompt(ctx);
	if (fitsInUrl(assistant, withStepLink)) return withStepLink;
	const lessonUrl = withoutQuery(ctx.pageUrl);
	const longest = Math.max(characterCount(ctx.settings.prompt), characterCount(ctx.view.generatedText));
	const maxText = largestFitting(longest, (n) => fitsInUrl(assistant, shortAskPrompt(ctx, lessonUrl, n)));
	return shortAskPrompt(ctx, lessonUrl, maxText);
}

function withoutQuery(pageUrl: string): string {
	try {
		const url = new URL(pageUrl);
		url.search = '';
		return url.href;
	} catch {
		return pageUrl;
	}
}

export interface AskLink extends AiLink {
	id: AssistantId;
	label: string;
}

/** The links for each assistant: the full question when it fits, else the short one plus the full one on the clipboard. */
export function askLinks(ctx: AskContext): AskLink[] {
	const full = askPrompt(ctx);
	return assistantIds.map((id) => ({
		id,
		label: assistants[id].label,
		...buildAiLink(id, full, fittedShortAskPrompt(ctx, id)),
	}));
}
