/**
 * Streamed and buffered delivery of one run on one time axis, as plain numbers: for each, the
 * stretch before any text is on screen (waiting) and the stretch with text on screen, plus a tick
 * for every token the streamed reader receives. Both rows end at the run's total.
 */
import { streamedVsBuffered } from '../../serving-math/latency';

export interface DeliveryRow {
	label: 'Streamed' | 'Buffered';
	/** Waiting: from 0 to the first text, in px. */
	waitTo: number;
	/** Text on screen: from the first text to the end, in px (0 wide for buffered). */
	textFrom: number;
	textTo: number;
	firstTextMs: number;
	finishMs: number;
}

export interface TimelineGeometry {
	rows: [DeliveryRow, DeliveryRow];
	/** x of each token's arrival in the streamed row. */
	tokenTicks: number[];
	totalMs: number;
	earlierByMs: number;
}

export function timelineGeometry(tokenTimesMs: readonly number[], widthPx: number): TimelineGeometry {
	const d = streamedVsBuffered(tokenTimesMs);
	const total = d.streamed.finishMs;
	const x = (ms: number) => (total > 0 ? (ms / total) * widthPx : widthPx);
	const row = (label: DeliveryRow['label'], first: number, finish: number): DeliveryRow => ({
		label,
		waitTo: x(first),
		textFrom: x(first),
		textTo: x(finish),
		firstTextMs: first,
		finishMs: finish,
	});
	return {
		rows: [
			row('Streamed', d.streamed.firstTextMs, d.streamed.finishMs),
			row('Buffered', d.buffered.firstTextMs, d.buffered.finishMs),
		],
		tokenTicks: tokenTimesMs.map(x),
		totalMs: total,
		earlierByMs: d.earlierByMs,
	};
}
