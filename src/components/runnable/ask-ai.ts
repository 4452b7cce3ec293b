/**
 * "Ask AI about this step": the question sent to an assistant, with the listing, the current step
 * and the visible state. Falls back to a short prompt in the URL plus the full text on the
 * clipboard when the URL would be too long (see ../open-in-ai.ts).
 */
import { assistantIds, assistants, buildAiLink, type AiLink, type AssistantId } from '../open-in-ai';
import type { ReaderSettings } from './settings';
import { describeStep, formatProb, showToken, type ViewState } from './view-model';

export interface AskContext {
	pageTitle: string;
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

function stateLines(ctx: AskContext, maxTokens: number): string[] {
	const { view, settings } = ctx;
	const lines: string[] = [];
	lines.push(`Prompt: ${JSON.stringify(settings.prompt)}`);
	lines.push(
		`Settings: max_new=${settings.maxNewTokens}, ${settings.mode === 'cached' ? 'KV cache' : 'naive (no cache)'}, ` +
			(settings.strategy === 'greedy'
				? 'greedy'
				: `sampling (temperature ${settings.temperature}, top-k ${settings.topK}, top-p ${settings.topP}, seed ${settings.seed})`),
	);
	const generated = view.tokens.filter((t) => t.generated);
	const shown = generated.slice(-maxTokens);
	lines.push(
		`Generated so far (${generated.length} token${generated.length === 1 ? '' : 's'}): ${JSON.stringify(view.generatedText)}` +
			(shown.length ? ` = ${shown.length < generated.length ? '… ' : ''}${shown.map((t) => `${showToken(t.token)}(${t.id})`).join(' ')}` : ''),
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
export function shortAskPrompt(ctx: AskContext): string {
	return [
		`I'm studying the lesson "${ctx.pageTitle}" (${ctx.pageUrl}): it runs the autoregressive generation loop step by step in my browser.`,
		`Current step: ${describeStep(ctx.view.current)}`,
		...stateLines(ctx, 8),
		'Explain this step of the loop and what happens next.',
	].join('\n');
}

export interface AskLink extends AiLink {
	id: AssistantId;
	label: string;
}

/** The links for each assistant. The full prompt when it fits, else the short one plus the clipboard; as a last resort, a minimal one. */
export function askLinks(ctx: AskContext): AskLink[] {
	const full = askPrompt(ctx);
	const short = shortAskPrompt(ctx);
	const minimal = `I'm studying the lesson "${ctx.pageTitle}" (${ctx.pageUrl}). My next message is a question about one step of its code, which I'll paste from my clipboard.`;
	return assistantIds.map((id) => {
		let link: AiLink;
		try {
			link = buildAiLink(id, full, short);
		} catch {
			link = { ...buildAiLink(id, minimal, minimal), clipboardText: full };
		}
		return { id, label: assistants[id].label, ...link };
	});
}
