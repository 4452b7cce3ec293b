/**
 * The runtime's public surface. Pages and widgets import from here; nothing
 * in src/runtime touches the DOM.
 */

export * from './events';
export { getRuntime, createRuntimeClient, RuntimeError } from './client';
export type { LoadOptions, RunOptions, RunHandle, RuntimeClient, ModelInfo } from './client';
export type { RuntimeErrorKind } from './errors';
