/**
 * What lesson 6's panels show of a `continuous` run, folded from its events: the slots × steps
 * timeline, each request's admission, first token and finish, the forward passes and slot
 * utilisation, and the KV block table beside what a contiguous reservation would hold. Pure and
 * incremental, like view-model.ts: the live run folds one event at a time, scrubbing refolds.
 */
import type { BlockTable, ContinuousEvent, RequestEnd } from '../../runtime/loops/continuous-events';
import { requestLabel } from './request-label';
import type { ViewSource } from './view-model';

/** One slot in one step: the request it produced a token for. */
export interface ScheduleCell {
	request: number;
	/** This step's token is the request's first (it was admitted, and prefilled, this step). */
	first: boolean;
	/** It came back after a preemption and was prefilled again over everything it had. */
	resumed: boolean;
}

export interface RequestProgress {
	request: number;
	label: string;
	/** What the model saw of the prompt (a prompt cut to fit the context shows its kept end). */
	prompt: string;
	promptTokens: number;
	/** Steps (0-based iterations) of its first admission, first token and end; null: not yet. */
	admittedAt: number | null;
	firstTokenAt: number | null;
	finishedAt: number | null;
	newTokens: number;
	reason: RequestEnd | null;
	preemptions: number;
	/** Measured by the run, known once it is done. */
	timeToFirstTokenMs: number | null;
	finishedAtMs: number | null;
	/** Prompt and generated ids, known once the run is done. */
	ids: number[] | null;
}

/** What happened to the queue in the step on screen, for the block table's notes. */
export interface ScheduleNote {
	kind: 'admitted' | 'waits' | 'preempted' | 'retired' | 'refused';
	request: number;
	detail: string;
}

export interface ScheduleView {
	index: number;
	slots: number;
	/** One column per step: each slot's cell, null when it was idle. */
	steps: Array<Array<ScheduleCell | null>>;
	requests: RequestProgress[];
	decodePasses: number;
	prefillPasses: number;
	busySlotSteps: number;
	/** Busy slot-steps over slots × steps so far. */
	utilisation: number;
	/** Requests still queued, in order. */
	waiting: number[];
	blocks: BlockTable | undefined;
	notes: ScheduleNote[];
	/** The run's own figures once it is done. */
	makespanMs: number | null;
	finished: 'finished' | 'stopped' | null;
}

export { requestLabel } from './request-label';

export function emptySchedule(): ScheduleView {
	return {
		index: -1,
		slots: 0,
		steps: [],
		requests: [],
		decodePasses: 0,
		prefillPasses: 0,
		busySlotSteps: 0,
		utilisation: 0,
		waiting: [],
		blocks: undefined,
		notes: [],
		makespanMs: null,
		finished: null,
	};
}

/** Applies one event of a continuous run in place. */
export function applyScheduleEvent(view: ScheduleView, event: ContinuousEvent): ScheduleView {
	view.index = event.index;
	const at = event.iteration;
	const req = (r: number) => view.requests[r];
	switch (event.step) {
		case 'encode':
			view.requests = event.requests.map((e, r) => ({
				request: r,
				label: requestLabel(r),
				prompt: e.tokens.join(''),
				promptTokens: e.ids.length,
				admittedAt: null,
				firstTokenAt: null,
				finishedAt: null,
				newTokens: 0,
				reason: null,
				preemptions: 0,
				timeToFirstTokenMs: null,
				finishedAtMs: null,
				ids: null,
			}));
			view.waiting = view.requests.map((r) => r.request);
			break;
		case 'forward':
			view.notes = [];
			view.slots = event.slots;
			if (event.rows > 0) view.decodePasses++;
			break;
		case 'admit':
			view.waiting = event.waiting;
			for (const a of event.admitted) {
				view.prefillPasses++;
				const r = req(a.request);
				if (r && r.admittedAt === null) r.admittedAt = at;
				view.notes.push({
					kind: 'admitted',
					request: a.request,
					detail: `${a.resumed ? 'back after preemption: ' : ''}prefilled ${a.prefillTokens} tokens into slot ${a.slot + 1}`,
				});
			}
			for (const r of event.rejected) view.notes.push({ kind: 'refused', request: r, detail: REFUSED });
			if (event.blockedBy && event.waiting.length)
				view.notes.push({ kind: 'waits', request: event.waiting[0]!, detail: WAITS[event.blockedBy] });
			break;
		case 'select': {
			const admittedNow = new Set(view.notes.filter((n) => n.kind === 'admitted').map((n) => n.request));
			const column: Array<ScheduleCell | null> = new Array<ScheduleCell | null>(view.slots).fill(null);
			for (const row of event.rows) {
				const r = req(row.request);
				const first = r?.firstTokenAt === null;
				if (r && first) r.firstTokenAt = at;
				column[row.slot] = {
					request: row.request,
					first,
					resumed: !first && admittedNow.has(row.request),
				};
			}
			view.steps = [...view.steps.slice(0, at), column];
			view.busySlotSteps += event.rows.length;
			view.utilisation = view.slots ? view.busySlotSteps / (view.slots * view.steps.length) : 0;
			break;
		}
		case 'append':
			for (const row of event.rows) {
				const r = req(row.request);
				if (r) r.newTokens = row.length - r.promptTokens;
			}
			for (const p of event.preempted) {
				const r = req(p.request);
				if (r) r.preemptions++;
				view.notes.push({
					kind: 'preempted',
					request: p.request,
					detail: `preempted: its ${p.freedBlocks.length} blocks were freed for a running request; it waits at the head of the queue and will be prefilled again`,
				});
			}
			break;
		case 'retire':
			view.blocks = event.blocks;
			for (const x of event.retired) {
				const r = req(x.request);
				if (r) {
					r.finishedAt = at;
					r.reason = x.reason;
				}
				view.notes.push({
					kind: 'retired',
					request: x.request,
					detail: `finished; slot ${x.slot + 1} and ${x.freedBlocks.length} block${x.freedBlocks.length === 1 ? '' : 's'} freed`,
				});
			}
			break;
		case 'done':
			view.finished = event.reason;
			view.makespanMs = event.stats.makespanMs;
			view.utilisation = event.stats.slotUtilization;
			for (const result of event.requests) {
				const r = req(result.request);
				if (!r) continue;
				r.reason = result.reason;
				r.newTokens = result.newTokens;
				r.preemptions = result.preemptions;
				r.ids = result.ids;
				if (result.newTokens > 0) r.timeToFirstTokenMs = result.timeToFirstTokenMs;
				r.finishedAtMs = result.finishedAtMs;
			}
			break;
	}
	return view;
}

const REFUSED = 'refused: it needs more KV blocks than exist';
const WAITS = {
	slots: 'waits: every slot is busy',
	blocks: 'waits: too few free KV blocks for its prompt',
	'static-batch': 'waits: static batching admits only when the whole batch has finished',
} as const;

const folds = new WeakMap<ViewSource, { events: ViewSource['events']; view: ScheduleView }>();

/** The schedule at the event on screen, shared by a run's panels (refolded after a scrub back or a new run). */
export function currentSchedule(source: ViewSource): ScheduleView {
	const target = Math.min(source.shownIndex, source.events.length - 1);
	let fold = folds.get(source);
	if (!fold || fold.events !== source.events || fold.view.index > target) {
		fold = { events: source.events, view: emptySchedule() };
		folds.set(source, fold);
	}
	for (let i = fold.view.index + 1; i <= target; i++)
		applyScheduleEvent(fold.view, source.events[i] as ContinuousEvent);
	return fold.view;
}

/** Who holds each block of the pool (null: free). */
export function blockOwners(table: BlockTable): Array<number | null> {
	const owners = new Array<number | null>(table.totalBlocks).fill(null);
	for (const t of table.tables) for (const b of t.blocks) owners[b] = t.request;
	return owners;
}

/** Paged memory now, beside what reserving the whole context for every running request would hold. */
export function memoryComparison(table: BlockTable, contextSize: number) {
	const heldTokens = table.tables.reduce((sum, t) => sum + t.tokens, 0);
	const pagedSlots = table.usedBlocks * table.blockSize;
	const contiguousSlots = table.tables.length * contextSize;
	return {
		requests: table.tables.length,
		heldTokens,
		pagedSlots,
		pagedWaste: pagedSlots - heldTokens,
		contiguousSlots,
		contiguousWaste: contiguousSlots - heldTokens,
		/** Blocks the contiguous reservations would take, in the same 16-token units. */
		contiguousBlocks: Math.ceil(contiguousSlots / table.blockSize),
	};
}

/** A share as the page writes it: "56.8%". */
export function percent(share: number): string {
	return `${(share * 100).toFixed(1)}%`;
}
