/**
 * The reader's settings for one runnable block, their limits, and how they travel in a link.
 * Pure module: used by the Astro components (build time, via the zod schema) and the panels.
 */
import type { GenerateSettings, LoopMode } from '../../runtime/events';

export type Speed = 'realtime' | 'slow' | 'step';
export const SPEEDS: readonly Speed[] = ['realtime', 'slow', 'step'];

export interface ReaderSettings {
	prompt: string;
	maxNewTokens: number;
	mode: LoopMode;
	strategy: 'greedy' | 'sample';
	temperature: number;
	topK: number;
	topP: number;
	seed: number;
}

/** How many candidates the panel shows for each pick, unless the block says otherwise. */
export const DEFAULT_TOP_CANDIDATES = 5;

export const LIMITS = {
	maxNewTokens: { min: 1, max: 200 },
	temperature: { min: 0.05, max: 2 },
	topK: { min: 0, max: 2048 },
	topP: { min: 0.01, max: 1 },
	seed: { min: 0, max: 2 ** 31 - 1 },
	promptLength: 500,
} as const;

export function toGenerateSettings(s: ReaderSettings, topCandidates = DEFAULT_TOP_CANDIDATES): GenerateSettings {
	return {
		maxNewTokens: s.maxNewTokens,
		mode: s.mode,
		topCandidates,
		sampling:
			s.strategy === 'greedy'
				? { strategy: 'greedy' }
				: { strategy: 'sample', temperature: s.temperature, topK: s.topK, topP: s.topP, seed: s.seed },
	};
}

/** One prompt per line, for loops over several sequences (a batch's rows, a server's requests). */
export function promptRows(prompt: string): string[] {
	return prompt.split(/\r?\n/);
}

function clamp(value: number, { min, max }: { min: number; max: number }): number {
	return Math.min(max, Math.max(min, value));
}

/** Coerces raw form values into valid settings; returns the problems it fixed, for the reader. */
export function normaliseSettings(raw: Partial<Record<keyof ReaderSettings, unknown>>, fallback: ReaderSettings): { settings: ReaderSettings; problems: string[] } {
	const problems: string[] = [];
	const num = (key: 'maxNewTokens' | 'temperature' | 'topK' | 'topP' | 'seed', integer: boolean) => {
		const value = raw[key];
		if (value === undefined || value === '') return fallback[key];
		const n = Number(value);
		if (!Number.isFinite(n)) {
			problems.push(`${key} must be a number; using ${fallback[key]}.`);
			return fallback[key];
		}
		const fixed = clamp(integer ? Math.round(n) : n, LIMITS[key]);
		if (fixed !== n) problems.push(`${key} must be ${integer ? 'an integer ' : ''}between ${LIMITS[key].min} and ${LIMITS[key].max}; using ${fixed}.`);
		return fixed;
	};
	const prompt = typeof raw.prompt === 'string' ? raw.prompt.slice(0, LIMITS.promptLength) : fallback.prompt;
	return {
		settings: {
			prompt,
			maxNewTokens: num('maxNewTokens', true),
			mode: raw.mode === 'cached' || raw.mode === 'naive' ? raw.mode : fallback.mode,
			strategy: raw.strategy === 'sample' || raw.strategy === 'greedy' ? raw.strategy : fallback.strategy,
			temperature: num('temperature', false),
			topK: num('topK', true),
			topP: num('topP', false),
			seed: num('seed', true),
		},
		problems,
	};
}

/** What a link to one state of one block carries. */
export interface LinkState {
	blockId: string;
	settings: ReaderSettings;
	/** Event index to open at; undefined: just the settings. */
	step?: number | undefined;
}

const PARAM = { block: 'rc', prompt: 'prompt', max: 'max', mode: 'mode', strategy: 'decode', t: 'temp', k: 'topk', p: 'topp', seed: 'seed', step: 'step' } as const;

/** A URL for `state`, on the page `pageUrl`: the query names the state, the hash scrolls to the block. */
export function buildLink(pageUrl: string, state: LinkState): string {
	const url = new URL(pageUrl);
	url.search = '';
	const q = url.searchParams;
	const s = state.settings;
	q.set(PARAM.block, state.blockId);
	q.set(PARAM.prompt, s.prompt);
	q.set(PARAM.max, String(s.maxNewTokens));
	q.set(PARAM.mode, s.mode);
	q.set(PARAM.strategy, s.strategy);
	if (s.strategy === 'sample') {
		q.set(PARAM.t, String(s.temperature));
		q.set(PARAM.k, String(s.topK));
		q.set(PARAM.p, String(s.topP));
		q.set(PARAM.seed, String(s.seed));
	}
	if (state.step !== undefined) q.set(PARAM.step, String(state.step));
	url.hash = `rc-${state.blockId}`;
	return url.href;
}

/** The link state for `blockId` in `url`, or null when the URL is not about that block. */
export function parseLink(url: string, blockId: string, fallback: ReaderSettings): (LinkState & { problems: string[] }) | null {
	const q = new URL(url).searchParams;
	if (q.get(PARAM.block) !== blockId) return null;
	const get = (key: string) => q.get(key) ?? undefined;
	const { settings, problems } = normaliseSettings(
		{
			prompt: get(PARAM.prompt),
			maxNewTokens: get(PARAM.max),
			mode: get(PARAM.mode),
			strategy: get(PARAM.strategy),
			temperature: get(PARAM.t),
			topK: get(PARAM.k),
			topP: get(PARAM.p),
			seed: get(PARAM.seed),
		},
		fallback,
	);
	const rawStep = get(PARAM.step);
	const step = rawStep !== undefined && /^\d+$/.test(rawStep) ? Number(rawStep) : undefined;
	return { blockId, settings, step, problems };
}
