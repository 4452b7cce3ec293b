/**
 * Folds the runtime's step events into what the panel shows. Pure and incremental: the live run
 * applies one event at a time, scrubbing folds the recorded events up to the chosen index.
 */
import type { Candidate, DoneEvent, ForwardEvent, LoopStep, StepEvent } from '../../runtime/events';
import type { Pace, RunState } from './run-states';

export interface TokenChip {
	id: number;
	token: string;
	generated: boolean;
}

export interface ViewState {
	/** Index of the event shown (the current step); -1 before the first. */
	index: number;
	current: StepEvent | undefined;
	previous: StepEvent | undefined;
	tokens: TokenChip[];
	candidates: Candidate[];
	chosen: Candidate | undefined;
	strategy: 'greedy' | 'sample' | undefined;
	/** 0-based loop iteration of the current event (-1 for encode). */
	iteration: number;
	/** Forward-pass time of each iteration so far, ms. */
	forwardMs: number[];
	lastForward: ForwardEvent | undefined;
	generatedText: string;
	done: DoneEvent | undefined;
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
		lastForward: undefined,
		generatedText: '',
		done: undefined,
		notices: [],
	};
}

/** Applies one event in place and returns the state. */
export function applyEvent(state: ViewState, event: StepEvent): ViewState {
	state.previous = state.current;
	state.current = event;
	state.index = event.index;
	state.iteration = event.iteration;
	switch (event.step) {
		case 'encode':
			state.tokens = event.ids.map((id, i) => ({ id, token: event.tokens[i] ?? '', generated: false }));
			state.notices = [...event.notices];
			break;
		case 'forward':
			state.forwardMs = [...state.forwardMs.slice(0, event.iteration), event.ms];
			state.lastForward = event;
			break;
		case 'select':
			state.candidates = event.candidates;
			state.chosen = event.chosen;
			state.strategy = event.strategy;
			break;
		case 'append':
			state.tokens = [...state.tokens, { id: event.id, token: event.token, generated: true }];
			state.generatedText = event.generatedText;
			break;
		case 'done':
			state.done = event;
			state.generatedText = event.generatedText;
			break;
		default:
			break;
	}
	return state;
}

/** The state after events[0..index]. */
export function viewAt(events: readonly StepEvent[], index: number): ViewState {
	const state = emptyView();
	const last = Math.min(index, events.length - 1);
	for (let i = 0; i <= last; i++) applyEvent(state, events[i]!);
	return state;
}

/** What a shown view is folded from: a run's recorded events and the index on screen. */
export interface ViewSource {
	state: RunState;
	pace: Pace;
	events: readonly StepEvent[];
	shownIndex: number;
}

const views = new WeakMap<ViewSource, { events: readonly StepEvent[]; view: ViewState }>();

/** The view at the event on screen, shared by all panels of a run: folded on from the last call
 *  when the run moved forward, refolded when it went back (scrubbing) or started over. */
export function currentView(source: ViewSource): ViewState {
	const target = Math.min(source.shownIndex, source.events.length - 1);
	let cached = views.get(source);
	if (!cached || cached.events !== source.events || cached.view.index > target) {
		cached = { events: source.events, view: viewAt(source.events, target) };
		views.set(source, cached);
	}
	const { view } = cached;
	for (let i = view.index + 1; i <= target; i++) applyEvent(view, source.events[i]!);
	return view;
}

/** The step the model is working on before its event arrives (the listing marks its lines):
 *  the forward pass after encode and after each "continue", unless the reader steps by hand. */
export function pendingStep(source: ViewSource): LoopStep | undefined {
	if (source.state !== 'running' && source.state !== 'paused') return undefined;
	const last = source.events[source.events.length - 1];
	if (!last) return source.pace === 'realtime' ? undefined : 'encode';
	if (source.pace === 'step') return undefined;
	return last.step === 'encode' || (last.step === 'eos-check' && last.decision === 'continue') ? 'forward' : undefined;
}

/** Short, human description of what the step does, for the status line and the AI prompt. */
export function describeStep(event: StepEvent | undefined): string {
	if (!event) return 'Not started.';
	switch (event.step) {
		case 'encode':
			return `encode: the prompt became ${event.ids.length} token${event.ids.length === 1 ? '' : 's'}${event.startedFromBos ? ' (empty prompt: starting from the start token)' : ''}.`;
		case 'forward':
			return event.usedCache
				? `forward: fed ${event.inputLength} token${event.inputLength === 1 ? '' : 's'}, the cache holds ${event.sequenceLength - event.inputLength}; ${formatMs(event.ms)}.`
				: `forward: ran the whole model over ${event.inputLength} token${event.inputLength === 1 ? '' : 's'}; ${formatMs(event.ms)}.`;
		case 'last-logits':
			return `last-logits: read the scores at position ${event.position}, one per vocabulary entry (${event.vocabSize}).`;
		case 'select':
			return `select (${event.strategy}): picked ${showToken(event.chosen.token)} (id ${event.chosen.id}), p = ${formatProb(event.chosen.prob)}.`;
		case 'append':
			return `append: ${showToken(event.token)} (id ${event.id}); the sequence is now ${event.length} tokens.`;
		case 'eos-check':
			return event.isEos ? `eos-check: id ${event.id} is the end-of-sequence token, so the loop stops.` : `eos-check: id ${event.id} is not end-of-sequence, so the loop continues.`;
		case 'done':
			return `done (${describeReason(event.reason)}): ${event.stats.newTokens} new token${event.stats.newTokens === 1 ? '' : 's'}.`;
	}
}

export function describeReason(reason: DoneEvent['reason']): string {
	switch (reason) {
		case 'eos':
			return 'the model emitted end-of-sequence';
		case 'max_new':
			return 'reached max new tokens';
		case 'stopped':
			return 'stopped by you';
		case 'context-full':
			return 'the context window is full';
	}
}

/** A token as the reader should see it: quotes, with whitespace made visible. */
export function showToken(token: string): string {
	return `“${visibleWhitespace(token)}”`;
}

export function visibleWhitespace(token: string): string {
	return token.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
}

export function formatMs(ms: number): string {
	return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatProb(p: number): string {
	return p >= 0.995 ? '1.00' : p.toFixed(2);
}

/** The steps in loop order, for matching events to listing lines. */
export type { LoopStep };
