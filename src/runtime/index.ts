/**
 * The runtime's public surface. Pages and widgets import from here; nothing
 * in src/runtime touches the DOM.
 */

export * from './events';
export type * from './loops/batched-events';
export type * from './loops/stream-events';
export type * from './loops/continuous-events';
export type { AnyLoopEvent, DoneOf, LoopEvent, LoopInput, LoopSettings, LoopSignatures } from './loops/types';
export { LOOP_VOCABULARIES, isLoopName, type LoopName, type StepOf } from './loops/vocabulary';
export { getRuntime, createRuntimeClient, RuntimeError } from './client';
export type { LoadOptions, LoadControl, RunOptions, RunHandle, RuntimeClient, ModelInfo } from './client';
export type { RuntimeErrorKind } from './errors';
/** Pure settings check (throws RuntimeError 'bad-settings'), for forms that want to validate before running. */
export { validateSettings, SAMPLE_DEFAULTS, DEFAULT_TOP_CANDIDATES } from './settings';
