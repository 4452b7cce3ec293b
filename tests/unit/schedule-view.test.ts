// Lesson 6's view models (src/components/runnable/schedule-view.ts) on the events of real runs of
// the continuous loop over the lesson's queue: the timeline, passes and utilisation agree with the
// loop's own figures, the block pool with its block tables, and scrubbing refolds the same view.
import { beforeAll, describe, expect, it } from 'vitest';
import { continuous } from '../../src/runtime/loops/continuous';
import type { ContinuousDoneEvent, ContinuousEvent } from '../../src/runtime/loops/continuous-events';
import type { LoadedModel } from '../../src/runtime/loader';
import {
	applyScheduleEvent,
	blockOwners,
	currentSchedule,
	emptySchedule,
	memoryComparison,
	percent,
	requestLabel,
	type ScheduleView,
} from '../../src/components/runnable/schedule-view';
import type { ViewSource } from '../../src/components/runnable/view-model';
import { describeStep } from '../../src/components/runnable/view-model';
import { loopArguments } from '../../src/components/runnable/runtime-adapter';
import { collect, loadTestModel } from '../runtime/helpers';
import { lessonNumber, lessonQueue } from '../support/lesson-queue';

let model: LoadedModel;
const runs = {} as Record<'static' | 'continuous' | 'tight', ContinuousEvent[]>;
const fold = (events: ContinuousEvent[], upTo = events.length - 1): ScheduleView => {
	const view = emptySchedule();
	for (const e of events.slice(0, upTo + 1)) applyScheduleEvent(view, e);
	return view;
};

beforeAll(async () => {
	model = await loadTestModel('q8');
	const requests = lessonQueue().map((prompt) => ({ prompt, maxNewTokens: lessonNumber('queueMaxNewTokens') }));
	const slots = lessonNumber('queueSlots');
	const greedy = { strategy: 'greedy' } as const;
	runs.static = await collect(continuous(model, { requests }, { slots, policy: 'static', sampling: greedy }));
	runs.continuous = await collect(continuous(model, { requests }, { slots, sampling: greedy }));
	runs.tight = await collect(
		continuous(model, { requests }, { slots, kvBlocks: lessonNumber('tightBlocks'), sampling: greedy }),
	);
});

describe('the schedule of a continuous-loop run', () => {
	it('has a column per step with each slot’s request, and counts passes and utilisation as the loop does', () => {
		for (const events of Object.values(runs)) {
			const view = fold(events);
			const done = events.at(-1) as ContinuousDoneEvent;
			expect(view.steps).toHaveLength(done.stats.iterations);
			expect(view.slots).toBe(4);
			for (const column of view.steps) expect(column).toHaveLength(4);
			const busy = view.steps.flat().filter(Boolean).length;
			expect(busy).toBe(done.stats.newTokens);
			expect(busy / (4 * view.steps.length)).toBeCloseTo(done.stats.slotUtilization, 10);
			expect(view.utilisation).toBe(done.stats.slotUtilization);
			expect(view.decodePasses).toBe(events.filter((e) => e.step === 'forward' && e.rows > 0).length);
			expect(view.prefillPasses).toBe(12 + done.stats.preemptions);
			expect(view.makespanMs).toBe(done.stats.makespanMs);
			expect(view.finished).toBe('finished');
			for (const r of view.requests) {
				const result = done.requests[r.request]!;
				expect(r.ids).toEqual(result.ids);
				expect(r.newTokens).toBe(result.newTokens);
				// Its cells: one per generated token, the first marked, ending at its finishing step.
				const cells = view.steps.flatMap((column, step) =>
					column.filter((c) => c?.request === r.request).map((c) => ({ step, ...c! })),
				);
				expect(cells.length).toBeGreaterThanOrEqual(r.newTokens);
				expect(cells[0]).toMatchObject({ step: r.firstTokenAt, first: true });
				expect(cells.at(-1)!.step).toBe(r.finishedAt);
				expect(r.timeToFirstTokenMs).toBe(result.timeToFirstTokenMs);
			}
		}
	});

	it('static batching leaves slots idle that continuous batching fills, so it takes more passes', () => {
		const stat = fold(runs.static);
		const cont = fold(runs.continuous);
		expect(cont.decodePasses + cont.prefillPasses).toBeLessThan(stat.decodePasses + stat.prefillPasses);
		expect(cont.utilisation).toBeGreaterThan(stat.utilisation);
		// Static: nobody is admitted while a batch runs, so each request of the second batch starts after the first batch ended.
		const firstBatchEnd = Math.max(...stat.requests.slice(0, 4).map((r) => r.finishedAt!));
		for (const r of stat.requests.slice(4, 8)) expect(r.admittedAt).toBe(firstBatchEnd + 1);
		expect(percent(0.5684)).toBe('56.8%');
	});

	it('the block pool matches every block table; the contiguous reservation is the whole context per request', () => {
		const contextSize = model.config.contextSize;
		let checked = 0;
		for (let i = 0; i < runs.continuous.length; i++) {
			const e = runs.continuous[i]!;
			if (e.step !== 'retire') continue;
			const view = fold(runs.continuous, i);
			const table = view.blocks!;
			expect(table).toBe(e.blocks);
			const owners = blockOwners(table);
			expect(owners).toHaveLength(table.totalBlocks);
			expect(owners.filter((o) => o !== null)).toHaveLength(table.usedBlocks);
			for (const t of table.tables) {
				expect(t.blocks.every((b) => owners[b] === t.request)).toBe(true);
				expect(t.blocks).toHaveLength(Math.ceil(t.tokens / table.blockSize));
			}
			const m = memoryComparison(table, contextSize);
			expect(m.pagedSlots).toBe(table.usedBlocks * 16);
			expect(m.pagedWaste).toBe(table.pagedWasteSlots);
			expect(m.pagedWaste).toBeLessThan(16 * Math.max(1, m.requests));
			expect(m.contiguousSlots).toBe(m.requests * contextSize);
			expect(m.contiguousWaste).toBe(m.contiguousSlots - m.heldTokens);
			if (m.requests) expect(m.contiguousWaste).toBeGreaterThan(m.pagedWaste);
			checked++;
		}
		expect(checked).toBeGreaterThan(10);
	});

	it('short of blocks: notes say who waits and who is preempted, and a preempted request comes back (↺)', () => {
		const notes = runs.tight.flatMap((_, i) => (runs.tight[i]!.step === 'retire' ? fold(runs.tight, i).notes : []));
		expect(notes.some((n) => n.kind === 'waits' && /too few free KV blocks/.test(n.detail))).toBe(true);
		expect(notes.some((n) => n.kind === 'preempted' && /prefilled again/.test(n.detail))).toBe(true);
		const view = fold(runs.tight);
		expect(view.requests.some((r) => r.preemptions > 0)).toBe(true);
		expect(view.steps.flat().some((c) => c?.resumed)).toBe(true);
		const preempt = runs.tight.find((e) => e.step === 'append' && e.preempted.length > 0);
		expect(describeStep(preempt)).toMatch(/out of KV blocks, so request [A-L] was preempted/);
		const waits = runs.tight.find((e) => e.step === 'admit' && e.blockedBy === 'blocks');
		expect(describeStep(waits)).toMatch(/wait \(too few free KV blocks\)/);
	});

	it('scrubbing back refolds the same view as folding from the start', () => {
		const events = runs.continuous;
		const source: ViewSource = {
			state: 'done',
			pace: 'realtime',
			events,
			shownIndex: events.length - 1,
			loop: 'continuous',
		};
		const end = currentSchedule(source);
		expect(end.steps).toEqual(fold(events).steps);
		source.shownIndex = 40;
		const back = currentSchedule(source);
		expect(back.index).toBe(40);
		expect(back.steps).toEqual(fold(events, 40).steps);
		expect(back.requests).toEqual(fold(events, 40).requests);
	});

	it('labels requests A…Z, then by number; the page’s options reach the loop', () => {
		expect([0, 1, 25, 26].map(requestLabel)).toEqual(['A', 'B', 'Z', '27']);
		const reader = {
			prompt: 'Blessed are the\nBehold, I',
			maxNewTokens: 60,
			mode: 'cached' as const,
			strategy: 'greedy' as const,
			temperature: 1,
			topK: 0,
			topP: 1,
			seed: 1,
		};
		const { input, settings } = loopArguments('continuous', reader, 3, {
			scheduler: { slots: 4, policy: 'static', kvBlocks: 4 },
		});
		expect(input.requests).toEqual([
			{ prompt: 'Blessed are the', maxNewTokens: 60 },
			{ prompt: 'Behold, I', maxNewTokens: 60 },
		]);
		expect(settings).toMatchObject({ slots: 4, policy: 'static', kvBlocks: 4 });
		expect(loopArguments('continuous', reader, 3).settings).toMatchObject({ slots: 2 });
	});
});
