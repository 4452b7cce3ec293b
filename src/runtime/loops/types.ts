/**
 * What each named loop takes and yields, as types only: the page-side client
 * imports this, never the loops' code (which lives in the worker).
 */

import type { GenerateSettings, StepEvent } from '../events';
import type { LoadedModel } from '../loader';
import type { RunControl } from '../stopping';
import type { BatchedEvent, BatchedInput } from './batched-events';
import type { ContinuousEvent, ContinuousInput, ContinuousSettings } from './continuous-events';
import type { StreamEvent, StreamSettings } from './stream-events';
import type { LoopName } from './vocabulary';

/** Every loop in the vocabulary registry must appear here, and nothing else. */
export interface LoopSignatures extends Record<
	LoopName,
	{ input: unknown; settings: unknown; event: { step: string } }
> {
	generate: { input: string; settings: GenerateSettings; event: StepEvent };
	batched: { input: BatchedInput; settings: GenerateSettings; event: BatchedEvent };
	stream: { input: string; settings: StreamSettings; event: StreamEvent };
	continuous: { input: ContinuousInput; settings: ContinuousSettings; event: ContinuousEvent };
}

export type LoopInput<L extends LoopName> = LoopSignatures[L]['input'];
export type LoopSettings<L extends LoopName> = LoopSignatures[L]['settings'];
export type LoopEvent<L extends LoopName> = LoopSignatures[L]['event'];

/** What every loop's events share: the step they mirror, their order, their iteration (-1 before the first). */
export interface AnyLoopEvent {
	step: string;
	index: number;
	iteration: number;
}

export type DoneOf<E extends { step: string }> = Extract<E, { step: 'done' }>;

export type LoopModel = Pick<LoadedModel, 'lm' | 'codec' | 'config'>;

/** How the worker runs a named loop. Each loop's file exports one. */
export interface LoopDefinition {
	/** Starts the loop; it checks its own input and settings, throwing RuntimeError('bad-settings'). */
	start(
		model: LoopModel,
		input: unknown,
		settings: unknown,
		control: RunControl,
	): AsyncGenerator<AnyLoopEvent, void, undefined>;
	/**
	 * Steps after which the loop's next move is a forward pass (or the end): one
	 * iteration ends there, so the host posts the iteration's events there and
	 * the flow window counts one iteration.
	 */
	endsIteration: ReadonlySet<string>;
}
