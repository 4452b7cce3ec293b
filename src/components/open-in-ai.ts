/**
 * Builds the "open in your favourite AI" links and prompts. Pure functions so they can be unit
 * tested and shared by the lesson-level panel and the per-prompt controls.
 */

/**
 * Some browsers, proxies and the assistants themselves truncate or reject very long URLs; about
 * 2,000 characters is the long-standing safe limit for a URL that must work everywhere.
 */
export const MAX_PREFILL_URL_LENGTH = 2000;

export const assistants = {
	chatgpt: { label: 'ChatGPT', endpoint: 'https://chatgpt.com/' },
	claude: { label: 'Claude', endpoint: 'https://claude.ai/new' },
} as const;

export type AssistantId = keyof typeof assistants;

export const assistantIds = Object.keys(assistants) as AssistantId[];

/** A link that pre-fills an assistant's chat box with `prompt`. */
export function prefillUrl(assistant: AssistantId, prompt: string): string {
	const url = new URL(assistants[assistant].endpoint);
	url.searchParams.set('q', prompt);
	return url.href;
}

export interface AiLink {
	href: string;
	/**
	 * Set when the full prompt does not fit in the URL: the link then carries `shortPrompt`, and
	 * this text must be copied to the clipboard (and the reader told) when the link is followed.
	 */
	clipboardText?: string | undefined;
}

/** Whether a link pre-filled with `prompt` stays within MAX_PREFILL_URL_LENGTH once percent-encoded. */
export function fitsInUrl(assistant: AssistantId, prompt: string): boolean {
	return prefillUrl(assistant, prompt).length <= MAX_PREFILL_URL_LENGTH;
}

/**
 * Pre-fill the full prompt when the URL stays short enough, otherwise fall back to `shortPrompt`,
 * cut to fit if it must: one character of CJK text or emoji takes 9 to 12 characters of URL, so
 * only the encoded length tells whether text fits.
 */
export function buildAiLink(assistant: AssistantId, fullPrompt: string, shortPrompt: string): AiLink {
	if (fitsInUrl(assistant, fullPrompt)) return { href: prefillUrl(assistant, fullPrompt) };
	const length = largestFitting(characterCount(shortPrompt), (n) => fitsInUrl(assistant, clip(shortPrompt, n)));
	return { href: prefillUrl(assistant, clip(shortPrompt, length)), clipboardText: fullPrompt };
}

const segmenter = new Intl.Segmenter();

/** Characters as a reader counts them (grapheme clusters), so a cut never splits an emoji or an accent. */
function characters(text: string): string[] {
	return Array.from(segmenter.segment(text), (part) => part.segment);
}

export function characterCount(text: string): number {
	return characters(text).length;
}

/** The first `length` characters of `text`, with `…` when anything was cut. */
export function clip(text: string, length: number): string {
	const all = characters(text);
	return all.length <= length ? text : `${all.slice(0, length).join('')}…`;
}

/** The largest n in 0..max for which `fits(n)` holds, given that it holds up to some n and fails above it (0 if none). */
export function largestFitting(max: number, fits: (n: number) => boolean): number {
	let low = 0;
	let high = max;
	while (low < high) {
		const mid = Math.ceil((low + high) / 2);
		if (fits(mid)) low = mid;
		else high = mid - 1;
	}
	return low;
}

/**
 * The Markdown twin of a page: `/lessons/x/` → `/lessons/x.md`, and the site root → `/index.md`.
 * Accepts absolute URLs or pathnames; `base` is the site's base path, so the root of a project
 * site (`/repo/`) is told apart from a page.
 */
export function markdownTwinUrl(pageUrl: string, base = '/'): string {
	const placeholder = 'https://placeholder.invalid';
	const url = new URL(pageUrl, placeholder);
	const root = base.endsWith('/') ? base : `${base}/`;
	const path = url.pathname;
	url.pathname = path === root || path === root.slice(0, -1) ? `${root}index.md` : `${path.replace(/\/$/, '')}.md`;
	url.search = '';
	url.hash = '';
	return url.origin === placeholder ? url.pathname : url.href;
}

export interface LessonRef {
	title: string;
	/** Absolute URL of the lesson page. */
	url: string;
	/** Absolute URL of its Markdown twin. */
	markdownUrl: string;
}

/** What the lesson-level buttons send: read the lesson, then the why, the demo and a quiz. */
export function lessonPrompt({ title, url, markdownUrl }: LessonRef): string {
	return [
		`I'm taking the lesson "${title}" from the course Token by Token: ${url}`,
		`(a plain Markdown version is at ${markdownUrl}).`,
		'Please read it, then: 1) walk me through why it matters,',
		'2) explain the demo and what each step of it does,',
		"3) quiz me on the lesson's try-it list, one question at a time, and wait for my answer before moving on.",
	].join(' ');
}

/** What a try-it button sends: the prompt itself, anchored to the lesson it comes from. */
export function tryItPrompt(lesson: LessonRef, prompt: string): string {
	return `Context: I'm studying the lesson "${lesson.title}" (${lesson.url}).\n\n${prompt}`;
}

/** Sent instead of a prompt that does not fit in a URL; the full prompt is on the clipboard. */
export function clipboardFallbackPrompt(lesson: LessonRef): string {
	return `I'm studying the lesson "${lesson.title}" (${lesson.url}). My next message is a prompt from that lesson, which I'll paste from my clipboard. Please wait for it.`;
}

/** Both assistant links for one prompt, with the clipboard fallback applied. */
export function aiLinks(lesson: LessonRef, fullPrompt: string) {
	return assistantIds.map((id) => ({
		id,
		label: assistants[id].label,
		...buildAiLink(id, fullPrompt, clipboardFallbackPrompt(lesson)),
	}));
}
