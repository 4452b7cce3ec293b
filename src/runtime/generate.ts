/**
 * Lesson 1's loop, where the bench, the tests and the dev pages have always
 * imported it from. It lives with the other named loops in ./loops.
 */

export { generate, type LoopModel } from './loops/generate';
export { encode } from './loops/encode';
export type { RunControl } from './stopping';
