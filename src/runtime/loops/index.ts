/** The named loops the worker can run, by the names in the vocabulary registry. */

import { batchedLoop } from './batched';
import { continuousLoop } from './continuous';
import { generateLoop } from './generate';
import { streamLoop } from './stream';
import type { LoopDefinition } from './types';
import type { LoopName } from './vocabulary';

export const LOOPS: Record<LoopName, LoopDefinition> = {
	generate: generateLoop,
	batched: batchedLoop,
	stream: streamLoop,
	continuous: continuousLoop,
};
