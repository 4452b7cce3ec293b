/**
 * Folds the runtime's step events into what the panel shows. Pure and incremental: the live run
 * applies one event at a time, scrubbing folds the recorded events up to the chosen index.
 */
import type { Candidate, ForwardEvent, LoopStep, StepEvent, StepLogits, StopReason } from '../../runtime/events';
import type { BatchedEvent } from '../../runtime/loops/batched-events';
import type { ContinuousEvent } from '../../runtime/loops/continuous-events';
import type { LoopEvent } from '../../runtime/loops/types';
import type { LoopName } from '../../runtime/loops/vocabulary';
import type { Pace, RunState } from './run-states';
import { requestLabel } from './request-label';

/** An event of any named loop; panels read from it what they understand. */
export type AnyStepEvent = LoopEvent<LoopName>;

export interface TokenChip {
	id: number;
	token: string;
	generated: boolean;
	/** A masked padding column of a batch row (not a token of the row's text). */
	pad?: boolean;
}

/** One row of a batched run: its strip (padding included), and why it finished. */
export interface RowView {
	tokens: TokenChip[];
	/** Pad columns in the row so far: left padding plus one per pass after the row finished. */
	padding: number;
	reason: StopReason | null;
}

/** What the end of any loop's run says, in the terms the panels show. */
export interface DoneSummary {
	reason: StopReason | 'finished';
	newTokens: number;
	timeToFirstTokenMs: number;
	tokensPerSecond: number;
	totalMs: number;
}

/** The KV cache after a pass, read from its live tensors (loops that report it). */
export interface CacheReading {
	bytes: number;
	/** Token positions the cache holds per row (padding included). */
	tokens: number;
	rows: number;
}

export interface ViewState {
	/** Index of the event shown (the current step); -1 before the first. */
	index: number;
	current: AnyStepEvent | undefined;
	previous: AnyStepEvent | undefined;
	tokens: TokenChip[];
	candidates: Candidate[];
	chosen: Candidate | undefined;
	strategy: 'greedy' | 'sample' | undefined;
	/** 0-based loop iteration of the current event (-1 for encode). */
	iteration: number;
	/** Forward-pass time of each iteration so far, ms (generate `forward`, stream `prefill`/`decode`, batched `forward`). */
	forwardMs: number[];
	/** Time spent choosing each iteration's token so far, ms (select events that report it). */
	selectMs: number[];
	/** The latest pick's raw logits and its iteration, when the run reports them (`reportLogits`). */
	logits: { values: StepLogits; iteration: number } | undefined;
	lastForward: ForwardEvent | undefined;
	/** The KV cache after each pass so far, where the loop reports it. */
	cache: CacheReading[];
	/** A batched run's rows; empty for single-sequence loops. */
	rows: RowView[];
	generatedText: string;
	done: DoneSummary | undefined;
	notices: string[];
}

export function emptyView(): ViewState {
	return {
		index: -1,
		current: undefined,
		previous: undefined,
		tokens: [],
		candidates: [],
		chosen: undefined,
		strategy: undefined,
		iteration: -1,
		forwardMs: [],
		selectMs: [],
		logits: undefined,
		lastForward: undefined,
		cache: [],
		rows: [],
		generatedText: '',
		done: undefined,
		notices: [],
	};
}

/** Applies one event of `loop` in place and returns the state. The loops share step names where
 *  they mean the same thing (encode, select, done); each panel reads what it understands. */
export function applyEvent(state: ViewState, event: AnyStepEvent, loop: string = 'generate'): ViewState {
	state.previous = state.current;
	state.current = event;
	state.index = event.index;
	state.iteration = event.iteration;
	if (loop === 'batched') {
		applyBatchedEvent(state, event as BatchedEvent);
		return state;
	}
	if (loop === 'continuous') {
		const e = event as ContinuousEvent;
		if (e.step === 'encode')
			state.notices = e.requests.flatMap((r, i) => r.notices.map((n) => `Request ${requestLabel(i)}: ${n}`));
		else if (e.step === 'forward') recordPass(state, e.iteration, e.ms);
		else if (e.step === 'done') state.done = summarise(e);
		return state;
	}
	switch (event.step) {
		case 'encode':
			if ('ids' in event) {
				state.tokens = event.ids.map((id, i) => ({ id, token: event.tokens[i] ?? '', generated: false }));
				state.notices = [...event.notices];
			}
			break;
		case 'forward':
			if ('usedCache' in event) state.lastForward = event;
			recordPass(state, event.iteration, event.ms);
			break;
		case 'prefill':
			recordPass(state, event.iteration, event.ms, { bytes: event.kvBytes, tokens: event.promptTokens, rows: 1 });
			break;
		case 'decode':
			recordPass(state, event.iteration, event.ms, { bytes: event.kvBytes, tokens: event.sequenceLength, rows: 1 });
			break;
		case 'select':
			if ('chosen' in event) {
				state.candidates = event.candidates;
				state.chosen = event.chosen;
				state.strategy = event.strategy;
				if (event.selectMs !== undefined)
					state.selectMs = [...state.selectMs.slice(0, event.iteration), event.selectMs];
				state.logits = event.logits ? { values: event.logits, iteration: event.iteration } : undefined;
			}
			break;
		case 'append':
		case 'token':
			if ('generatedText' in event) {
				state.tokens = [...state.tokens, { id: event.id, token: event.token, generated: true }];
				state.generatedText = event.generatedText;
			}
			break;
		case 'done':
			state.done = summarise(event);
			if ('generatedText' in event) state.generatedText = event.generatedText;
			break;
		default:
			break;
	}
	return state;
}

function recordPass(state: ViewState, iteration: number, ms: number, cache?: CacheReading): void {
	state.forwardMs = [...state.forwardMs.slice(0, iteration), ms];
	if (cache) state.cache = [...state.cache.slice(0, iteration), cache];
}

function applyBatchedEvent(state: ViewState, event: BatchedEvent): void {
	const rows = state.rows;
	switch (event.step) {
		case 'encode':
			state.rows = event.rows.map((r) => ({
				tokens: r.ids.map((id, i) => ({ id, token: r.tokens[i] ?? '', generated: false })),
				padding: 0,
				reason: null,
			}));
			state.notices = event.rows.flatMap((r, i) => r.notices.map((n) => `Row ${i + 1}: ${n}`));
			break;
		case 'pad':
			state.rows = rows.map((row, i) => ({
				...row,
				tokens: [...padChips(event.padding[i] ?? 0), ...row.tokens],
				padding: event.padding[i] ?? 0,
			}));
			break;
		case 'forward':
			recordPass(
				state,
				event.iteration,
				event.ms,
				event.kvBytes ? { bytes: event.kvBytes, tokens: event.sequenceLength, rows: event.rows } : undefined,
			);
			// A finished row is fed one masked pad column in every later pass.
			if (event.iteration > 0)
				state.rows = rows.map((row) =>
					row.reason ? { ...row, tokens: [...row.tokens, ...padChips(1)], padding: row.padding + 1 } : row,
				);
			break;
		case 'select':
			state.strategy = event.strategy;
			state.candidates = event.rows[0]?.candidates ?? [];
			state.chosen = event.rows[0]?.chosen;
			break;
		case 'append':
			state.rows = [...rows];
			for (const a of event.rows) {
				const row = rows[a.row];
				if (row) state.rows[a.row] = { ...row, tokens: [...row.tokens, { id: a.id, token: a.token, generated: true }] };
			}
			break;
		case 'stop-check':
			state.rows = rows.map((row, i) => ({
				...row,
				reason: row.reason ?? event.rows.find((c) => c.row === i)?.reason ?? null,
			}));
			break;
		case 'done':
			state.done = summarise(event);
			state.rows = rows.map((row, i) => ({ ...row, reason: event.rows[i]?.reason ?? row.reason }));
			break;
	}
}

function padChips(n: number): TokenChip[] {
	return Array.from({ length: n }, () => ({ id: -1, token: '', generated: false, pad: true }));
}

function summarise(event: Extract<AnyStepEvent, { step: 'done' }>): DoneSummary {
	const s = event.stats;
	const newTokens = s.newTokens;
	const totalMs = 'totalMs' in s ? s.totalMs : s.makespanMs;
	const tokensPerSecond = 'tokensPerSecond' in s ? s.tokensPerSecond : totalMs > 0 ? (newTokens / totalMs) * 1000 : 0;
	const timeToFirstTokenMs = 'timeToFirstTokenMs' in s ? s.timeToFirstTokenMs : 0;
	return { reason: event.reason, newTokens, timeToFirstTokenMs, tokensPerSecond, totalMs };
}

/** The state after events[0..index]. */
export function viewAt(events: readonly AnyStepEvent[], index: number, loop?: string): ViewState {
	const state = emptyView();
	const last = Math.min(index, events.length - 1);
	for (let i = 0; i <= last; i++) applyEvent(state, events[i]!, loop);
	return state;
}

/** What a shown view is folded from: a run's recorded events and the index on screen. */
export interface ViewSource {
	state: RunState;
	pace: Pace;
	events: readonly AnyStepEvent[];
	shownIndex: number;
	/** The named loop the events come from (default `generate`). */
	loop?: string;
}

const views = new WeakMap<ViewSource, { events: readonly AnyStepEvent[]; view: ViewState }>();

/** The view at the event on screen, shared by all panels of a run: folded on from the last call
 *  when the run moved forward, refolded when it went back (scrubbing) or started over. */
export function currentView(source: ViewSource): ViewState {
	const target = Math.min(source.shownIndex, source.events.length - 1);
	let cached = views.get(source);
	if (!cached || cached.events !== source.events || cached.view.index > target) {
		cached = { events: source.events, view: viewAt(source.events, target, source.loop) };
		views.set(source, cached);
	}
	const { view } = cached;
	for (let i = view.index + 1; i <= target; i++) applyEvent(view, source.events[i]!, source.loop);
	return view;
}

/** The step the model is working on before its event arrives (the listing marks its lines):
 *  the forward pass after encode (or pad) and after each "continue", unless the reader steps by hand. */
export function pendingStep(source: ViewSource): string | undefined {
	if (source.state !== 'running' && source.state !== 'paused') return undefined;
	const last = source.events[source.events.length - 1];
	if (!last) return source.pace === 'realtime' ? undefined : 'encode';
	if (source.pace === 'step') return undefined;
	switch (last.step) {
		case 'encode':
			return source.loop === 'stream' ? 'prefill' : source.loop === 'batched' ? undefined : 'forward';
		case 'pad':
			return 'forward';
		case 'eos-check':
			return last.decision === 'continue' ? 'forward' : undefined;
		case 'stop-check':
			if ('decision' in last) return last.decision === 'continue' ? 'decode' : undefined;
			return 'active' in last && last.active.length ? 'forward' : undefined;
		case 'retire':
			return 'forward';
		default:
			return undefined;
	}
}

export { describeReason, describeStep, formatMs, formatProb, showToken, visibleWhitespace } from './describe';

/** The steps in loop order, for matching events to listing lines. */
export type { LoopStep };
