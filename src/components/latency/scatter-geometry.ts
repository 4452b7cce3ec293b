/**
 * Where the points and the fitted line of a sweep's chart go, as plain numbers (the element draws
 * them). Both axes start at 0, so the line's intercept is visible as the height where it meets
 * the y axis, and the ticks are round numbers.
 */
import type { Point } from '../../serving-math/latency';

export interface Frame {
	width: number;
	height: number;
	/** Room for the axes' labels: left, bottom, top, right. */
	left: number;
	bottom: number;
	top: number;
	right: number;
}

export const FRAME: Frame = { width: 320, height: 190, left: 44, bottom: 30, top: 22, right: 12 };

export interface Tick {
	value: number;
	at: number;
}

export interface ScatterGeometry {
	points: Array<Point & { cx: number; cy: number }>;
	/** The fitted line, clipped to the plotted x range. */
	line?: { x1: number; y1: number; x2: number; y2: number };
	xTicks: Tick[];
	yTicks: Tick[];
	frame: Frame;
}

/** A round step that splits 0..max into at most `count` parts: 1, 2 or 5 × 10^k. */
export function niceStep(max: number, count = 4): number {
	if (!(max > 0)) return 1;
	const raw = max / count;
	const magnitude = 10 ** Math.floor(Math.log10(raw));
	const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
	return step;
}

function ticks(max: number, step: number, toPx: (v: number) => number): Tick[] {
	const out: Tick[] = [];
	for (let v = 0; v <= max + step * 1e-9; v += step) out.push({ value: +v.toPrecision(12), at: toPx(v) });
	return out;
}

/** `line` is y = intercept + slope × x in the points' units. */
export function scatterGeometry(
	points: readonly Point[],
	line?: { slope: number; intercept: number },
	frame: Frame = FRAME,
): ScatterGeometry {
	const xs = points.map((p) => p.x);
	const lineYs = line && xs.length ? [line.intercept, ...xs.map((x) => line.intercept + line.slope * x)] : [];
	const xStep = niceStep(Math.max(1, ...xs));
	const yStep = niceStep(Math.max(1e-9, ...points.map((p) => p.y), ...lineYs));
	const xMax = Math.ceil(Math.max(1, ...xs) / xStep) * xStep;
	const yMax = Math.ceil(Math.max(1e-9, ...points.map((p) => p.y), ...lineYs) / yStep) * yStep;
	const plotW = frame.width - frame.left - frame.right;
	const plotH = frame.height - frame.top - frame.bottom;
	const px = (x: number) => frame.left + (x / xMax) * plotW;
	const py = (y: number) => frame.top + plotH - (Math.max(0, y) / yMax) * plotH;
	const geometry: ScatterGeometry = {
		points: points.map((p) => ({ ...p, cx: px(p.x), cy: py(p.y) })),
		xTicks: ticks(xMax, xStep, px),
		yTicks: ticks(yMax, yStep, py),
		frame,
	};
	if (line && xs.length) {
		const x2 = Math.max(...xs);
		geometry.line = { x1: px(0), y1: py(line.intercept), x2: px(x2), y2: py(line.intercept + line.slope * x2) };
	}
	return geometry;
}
