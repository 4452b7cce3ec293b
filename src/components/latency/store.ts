/**
 * What lesson 3's parts of one run share, with no DOM: the timings of the reader's earlier runs
 * and the output-length sweep's fitted line, which later runs are predicted from.
 */
import type { LatencyLine, RequestTiming } from '../../serving-math/latency';

export interface LatencyRecord {
	earlier: RequestTiming[];
	outputLine?: LatencyLine;
}

const records = new Map<string, LatencyRecord>();

export function latencyRecord(run: string): LatencyRecord {
	let record = records.get(run);
	if (!record) records.set(run, (record = { earlier: [] }));
	return record;
}
