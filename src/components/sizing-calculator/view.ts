/**
 * From the calculator's inputs to every text and chart position it shows. Pure, so the build
 * renders the first view into the markup and the custom element renders the same way afterwards.
 */
import {
	DTYPES,
	type DtypeName,
	formatCount,
	formatDecimalBytes,
	formatDollars,
	formatSignificant,
	getGpu,
	getModel,
	type GpuId,
	kvBytesPerToken,
	kvShapeOf,
	sizeDeployment,
	tradeOffCurve,
	tradeOffUserCounts,
	type TradeOffPoint,
	weightBytes,
} from '../../serving-math';
import type { NumberRule } from './fields';

/** The published models the calculator offers: those whose parameter count has a source. */
export const CALCULATOR_MODELS = ['llama-3-8b', 'llama-3-70b'] as const;
export type CalculatorModelId = (typeof CALCULATOR_MODELS)[number];

export interface CalculatorState {
	modelId: CalculatorModelId;
	gpuId: GpuId;
	weightDtype: DtypeName;
	kvDtype: DtypeName;
	contextTokens: number;
	users: number;
	pricePerGpuHour: number;
}

export const DEFAULT_STATE: CalculatorState = {
	modelId: 'llama-3-8b',
	gpuId: 'h100-sxm',
	weightDtype: 'bf16',
	kvDtype: 'bf16',
	contextTokens: 8192,
	users: 8,
	pricePerGpuHour: 2,
};

export type NumberField = 'contextTokens' | 'users' | 'pricePerGpuHour';

export function numberRules(modelId: CalculatorModelId): Record<NumberField, NumberRule> {
	const model = getModel(modelId);
	return {
		contextTokens: {
			label: 'Context cap',
			min: 1,
			max: model.maxContext,
			integer: true,
			maxReason: `${model.name} was built for ${formatCount(model.maxContext)} positions (max_position_embeddings in its config.json).`,
			format: (value) => `${formatCount(value)} tokens`,
		},
		users: { label: 'Concurrent users', min: 1, max: 1_000_000, integer: true, format: formatCount },
		pricePerGpuHour: { label: 'Price per GPU-hour', min: 0.01, max: 1000, integer: false, format: formatDollars },
	};
}

export const FIGURES = [
	'weights',
	'kvPerToken',
	'kvInFlight',
	'memoryUsed',
	'memoryLeft',
	'maxSequences',
	'stepFloor',
	'tokensPerUser',
	'tokensTotal',
	'tokensPerHour',
	'costPerMillion',
] as const;
export type FigureKey = (typeof FIGURES)[number];

export interface FigureText {
	value: string;
	/** The formula with this configuration's numbers in it. */
	working: string;
}

export interface ChartPoint {
	users: number;
	x: number;
	y: number;
	current: boolean;
	labelText: string;
	/** Where the "yours" label goes: on the side of the point with more room. */
	label: { x: number; y: number; anchor: 'start' | 'end' };
	perUser: string;
	cost: string;
}

export interface ChartTick {
	at: number;
	label: string;
}

export interface ChartView {
	width: number;
	height: number;
	plot: { left: number; top: number; right: number; bottom: number };
	points: ChartPoint[];
	path: string;
	xTicks: ChartTick[];
	yTicks: ChartTick[];
	/** The chart's accessible description, and what it says when there is nothing to plot. */
	description: string;
}

export interface CalculatorView {
	figures: Record<FigureKey, FigureText>;
	fits: boolean;
	verdict: string;
	/** One line for the polite live region. */
	summary: string;
	chart: ChartView;
}

const gb = (bytes: number) => formatDecimalBytes(bytes);
const count = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
const tokensPerSecond = (value: number) => `${formatSignificant(value)} tokens/s`;

export function calculatorView(state: CalculatorState): CalculatorView {
	const model = getModel(state.modelId);
	const gpu = getGpu(state.gpuId);
	const parameters = model.parameters!.count;
	const weightDtype = DTYPES[state.weightDtype];
	const kvDtype = DTYPES[state.kvDtype];
	const perToken = kvBytesPerToken(kvShapeOf(model, state.kvDtype));
	const input = {
		weightBytes: weightBytes(parameters, weightDtype.bytesPerValue),
		kvBytesPerToken: perToken,
		contextTokens: state.contextTokens,
		gpuMemoryBytes: gpu.memoryBytes,
		bandwidthBytesPerSecond: gpu.bandwidthBytesPerSecond,
		pricePerGpuHour: state.pricePerGpuHour,
	};
	const s = sizeDeployment({ ...input, users: state.users });
	const users = count(state.users, 'user');
	const context = formatCount(state.contextTokens);
	const notRunnable = 'does not fit';
	const runs = (value: string) => (s.fits ? value : notRunnable);
	const step = `${formatSignificant(s.stepSeconds * 1000)} ms`;

	const verdict = s.fits
		? `Fits, with ${gb(s.memoryLeftBytes)} to spare.`
		: s.maxConcurrentSequences === 0
			? `Does not fit: the weights alone need ${gb(s.weightBytes)} of the GPU’s ${gb(gpu.memoryBytes)}, ${gb(-s.memoryLeftBytes)} too much with the caches.`
			: `Does not fit: ${gb(-s.memoryLeftBytes)} short. At most ${count(s.maxConcurrentSequences, 'user')} fit at this context cap.`;

	const figures: Record<FigureKey, FigureText> = {
		weights: {
			value: gb(s.weightBytes),
			working: `${formatCount(parameters)} parameters × ${weightDtype.bytesPerValue} B (${weightDtype.label})`,
		},
		kvPerToken: {
			value: `${formatCount(perToken)} B`,
			working: `2 × ${model.layers} layers × ${model.kvHeads} KV heads × ${model.headDim} × ${kvDtype.bytesPerValue} B (${kvDtype.label})`,
		},
		kvInFlight: {
			value: gb(s.kvBytesInFlight),
			working: `${users} × ${count(state.contextTokens, 'token')} × ${formatCount(perToken)} B`,
		},
		memoryUsed: { value: gb(s.memoryUsedBytes), working: `${gb(s.weightBytes)} + ${gb(s.kvBytesInFlight)}` },
		memoryLeft: {
			value: s.fits ? gb(s.memoryLeftBytes) : `${gb(-s.memoryLeftBytes)} short`,
			working: `${gpu.published.memory} − ${gb(s.memoryUsedBytes)}`,
		},
		maxSequences: {
			value: formatCount(s.maxConcurrentSequences),
			working: `⌊(${gpu.published.memory} − ${gb(s.weightBytes)}) ÷ (${context} × ${formatCount(perToken)} B)⌋`,
		},
		stepFloor: {
			value: runs(step),
			working: `${gb(s.bytesPerStep)} ÷ ${gpu.published.bandwidth}`,
		},
		tokensPerUser: { value: runs(tokensPerSecond(s.tokensPerSecondPerUser)), working: `1 token ÷ ${step}` },
		tokensTotal: {
			value: runs(tokensPerSecond(s.tokensPerSecond)),
			working: `${count(state.users, 'token')} ÷ ${step}`,
		},
		tokensPerHour: {
			value: runs(formatSignificant(s.tokensPerHour)),
			working: `${tokensPerSecond(s.tokensPerSecond)} × 3,600 s`,
		},
		costPerMillion: {
			value: runs(formatDollars(s.dollarsPerMillionTokens)),
			working: `${formatDollars(state.pricePerGpuHour)} ÷ ${formatSignificant(s.tokensPerHour)} tokens an hour × 10⁶`,
		},
	};

	const setup = `${model.name} (${weightDtype.label} weights, ${kvDtype.label} KV) on one ${gpu.name}, ${users} at ${count(state.contextTokens, 'token')}`;
	const summary = s.fits
		? `${setup}: fits with ${gb(s.memoryLeftBytes)} left; at best ${tokensPerSecond(s.tokensPerSecondPerUser)} per user, ${formatDollars(s.dollarsPerMillionTokens)} per million output tokens.`
		: `${setup}: ${verdict.charAt(0).toLowerCase()}${verdict.slice(1)}`;

	const counts = tradeOffUserCounts(Math.min(s.maxConcurrentSequences, 1_000_000), state.users);
	const curve = tradeOffCurve(input, counts);
	return { figures, fits: s.fits, verdict, summary, chart: chartView(curve, state.users, s.maxConcurrentSequences) };
}

/** The smallest step of 1, 2 or 5 × 10ⁿ that covers `max` in four steps. */
function niceStep(max: number): number {
	const rough = max / 4;
	const power = 10 ** Math.floor(Math.log10(rough));
	return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= rough)!;
}

export function chartView(curve: TradeOffPoint[], currentUsers: number, maxUsers: number): ChartView {
	const width = 320;
	const height = 220;
	const plot = { left: 44, top: 14, right: width - 14, bottom: height - 40 };
	if (curve.length === 0) {
		return {
			width,
			height,
			plot,
			points: [],
			path: '',
			xTicks: [],
			yTicks: [],
			description: 'Nothing to plot: the weights alone do not fit on this GPU.',
		};
	}
	const xStep = niceStep(Math.max(...curve.map((p) => p.dollarsPerMillionTokens)));
	const yStep = niceStep(Math.max(...curve.map((p) => p.tokensPerSecondPerUser)));
	const x = (cost: number) => plot.left + (cost / (xStep * 4)) * (plot.right - plot.left);
	const y = (speed: number) => plot.bottom - (speed / (yStep * 4)) * (plot.bottom - plot.top);
	const round = (value: number) => Math.round(value * 10) / 10;
	const points = curve.map((p) => ({
		users: p.users,
		x: round(x(p.dollarsPerMillionTokens)),
		y: round(y(p.tokensPerSecondPerUser)),
		current: p.users === currentUsers,
		labelText: `${count(p.users, 'user')} (yours)`,
		label: labelBeside(round(x(p.dollarsPerMillionTokens)), round(y(p.tokensPerSecondPerUser))),
		perUser: tokensPerSecond(p.tokensPerSecondPerUser),
		cost: formatDollars(p.dollarsPerMillionTokens),
	}));
	function labelBeside(px: number, py: number): ChartPoint['label'] {
		const right = px < (plot.left + plot.right) / 2;
		return { x: right ? px + 8 : px - 8, y: py < plot.top + 14 ? py + 16 : py - 8, anchor: right ? 'start' : 'end' };
	}
	const ticks = (step: number, at: (v: number) => number, label: (v: number) => string) =>
		[0, 1, 2, 3, 4].map((i) => ({ at: round(at(i * step)), label: label(i * step) }));
	const first = points[0]!;
	const last = points[points.length - 1]!;
	const beyond =
		currentUsers > maxUsers
			? ` Your ${formatCount(currentUsers)} users do not fit, so the curve stops at ${formatCount(maxUsers)}.`
			: '';
	return {
		width,
		height,
		plot,
		points,
		path: points.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' '),
		xTicks: ticks(xStep, x, (v) => formatDollars(v)),
		yTicks: ticks(yStep, y, (v) => formatSignificant(v)),
		description:
			`As users grow from ${formatCount(first.users)} to ${formatCount(last.users)}, each user’s speed falls from ` +
			`${first.perUser} to ${last.perUser} and the cost from ${first.cost} to ${last.cost} per million output tokens.${beyond}`,
	};
}
