/**
 * Sizing a GPU for a model and pricing its output tokens, from published figures alone.
 *
 *   memory used      = weights + users × context × KV bytes a token
 *   decode step     ≥ bytes the step reads ÷ memory bandwidth
 *   $ per token      = price per GPU-hour ÷ tokens per hour
 *
 * The step reads every weight once and every sequence's cache, so its bandwidth floor is a lower
 * bound on time and everything derived from it (tokens per second, cost) is a best case.
 */
import { ServingMathInputError } from './kv-cache-size';

export interface SizingInput {
	/** Bytes of model weights held on the GPU. */
	weightBytes: number;
	/** Bytes of keys and values one token adds to one sequence's cache. */
	kvBytesPerToken: number;
	/** Tokens each sequence may grow to (prompt plus output): the context cap memory is reserved for. */
	contextTokens: number;
	/** Sequences decoded together, one per concurrent user. */
	users: number;
	gpuMemoryBytes: number;
	bandwidthBytesPerSecond: number;
	/** What the GPU costs per hour, in dollars. */
	pricePerGpuHour: number;
}

export interface Sizing {
	weightBytes: number;
	/** KV cache of one sequence at the context cap. */
	kvBytesPerSequence: number;
	/** KV cache of every sequence at the context cap. */
	kvBytesInFlight: number;
	memoryUsedBytes: number;
	/** GPU memory minus memory used; negative when the configuration does not fit. */
	memoryLeftBytes: number;
	fits: boolean;
	/** Sequences whose caches fit beside the weights at the context cap; 0 when the weights alone do not fit. */
	maxConcurrentSequences: number;
	/** Bytes one decode step reads: the weights once plus every sequence's cache. */
	bytesPerStep: number;
	/** The bandwidth floor of one decode step, in seconds. */
	stepSeconds: number;
	/** Each sequence gains one token a step. */
	tokensPerSecondPerUser: number;
	tokensPerSecond: number;
	tokensPerHour: number;
	dollarsPerMillionTokens: number;
}

function requirePositive(name: string, value: unknown): number {
	if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
		throw new ServingMathInputError(`${name} must be a positive number, got ${String(value)}.`);
	}
	return value;
}

function requireWhole(name: string, value: unknown): number {
	if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
		throw new ServingMathInputError(`${name} must be a positive whole number, got ${String(value)}.`);
	}
	return value;
}

/** Bytes of weights: parameters × bytes per weight (2 for bf16, 1 for fp8 or int8). */
export function weightBytes(parameters: number, bytesPerWeight: number): number {
	return requireWhole('parameters', parameters) * requirePositive('bytesPerWeight', bytesPerWeight);
}

/** The least time a step can take: every byte it reads has to cross the memory bus once. */
export function decodeStepFloorSeconds(bytesRead: number, bandwidthBytesPerSecond: number): number {
	return requirePositive('bytesRead', bytesRead) / requirePositive('bandwidthBytesPerSecond', bandwidthBytesPerSecond);
}

/** ⌊(GPU memory − weights) ÷ KV bytes of one sequence⌋, and 0 when the weights alone do not fit. */
export function maxConcurrentSequences(
	gpuMemoryBytes: number,
	weightBytes: number,
	kvBytesPerSequence: number,
): number {
	const free = requirePositive('gpuMemoryBytes', gpuMemoryBytes) - requirePositive('weightBytes', weightBytes);
	return free <= 0 ? 0 : Math.floor(free / requirePositive('kvBytesPerSequence', kvBytesPerSequence));
}

/** Tokens an hour from the time each one takes, when tokens come one after another. */
export function tokensPerHourFromMs(msPerToken: number): number {
	return 3_600_000 / requirePositive('msPerToken', msPerToken);
}

/** Dollars per million tokens: price per GPU-hour ÷ tokens per hour × 10⁶. */
export function dollarsPerMillionTokens(pricePerGpuHour: number, tokensPerHour: number): number {
	return (requirePositive('pricePerGpuHour', pricePerGpuHour) / requirePositive('tokensPerHour', tokensPerHour)) * 1e6;
}

/** Every figure of the calculator for one configuration. Throws ServingMathInputError on an input it cannot mean. */
export function sizeDeployment(input: SizingInput): Sizing {
	if (input === null || typeof input !== 'object')
		throw new ServingMathInputError('sizeDeployment needs a SizingInput.');
	const weights = requirePositive('weightBytes', input.weightBytes);
	const kvPerToken = requirePositive('kvBytesPerToken', input.kvBytesPerToken);
	const context = requireWhole('contextTokens', input.contextTokens);
	const users = requireWhole('users', input.users);
	const memory = requirePositive('gpuMemoryBytes', input.gpuMemoryBytes);
	const bandwidth = requirePositive('bandwidthBytesPerSecond', input.bandwidthBytesPerSecond);
	const price = requirePositive('pricePerGpuHour', input.pricePerGpuHour);

	const kvBytesPerSequence = kvPerToken * context;
	const kvBytesInFlight = kvBytesPerSequence * users;
	const memoryUsedBytes = weights + kvBytesInFlight;
	if (!Number.isFinite(memoryUsedBytes))
		throw new ServingMathInputError('These inputs are too large to compute the memory they need.');
	const bytesPerStep = memoryUsedBytes;
	const stepSeconds = decodeStepFloorSeconds(bytesPerStep, bandwidth);
	const tokensPerSecond = users / stepSeconds;
	const tokensPerHour = tokensPerSecond * 3600;
	const sizing: Sizing = {
		weightBytes: weights,
		kvBytesPerSequence,
		kvBytesInFlight,
		memoryUsedBytes,
		memoryLeftBytes: memory - memoryUsedBytes,
		fits: memoryUsedBytes <= memory,
		maxConcurrentSequences: maxConcurrentSequences(memory, weights, kvBytesPerSequence),
		bytesPerStep,
		stepSeconds,
		tokensPerSecondPerUser: 1 / stepSeconds,
		tokensPerSecond,
		tokensPerHour,
		dollarsPerMillionTokens: dollarsPerMillionTokens(price, tokensPerHour),
	};
	for (const [name, value] of Object.entries(sizing)) {
		if (typeof value === 'number' && !Number.isFinite(value)) {
			throw new ServingMathInputError(`These inputs are too large to compute ${name}.`);
		}
	}
	return sizing;
}

export interface TradeOffPoint {
	users: number;
	tokensPerSecondPerUser: number;
	dollarsPerMillionTokens: number;
}

/**
 * User counts to plot from 1 to `maxUsers`: powers of two, the maximum, and `current` when it
 * fits, in order, without repeats.
 */
export function tradeOffUserCounts(maxUsers: number, current?: number): number[] {
	if (!Number.isSafeInteger(maxUsers) || maxUsers < 1) return [];
	const counts = new Set<number>();
	for (let users = 1; users < maxUsers; users *= 2) counts.add(users);
	counts.add(maxUsers);
	if (current !== undefined && Number.isSafeInteger(current) && current >= 1 && current <= maxUsers)
		counts.add(current);
	return [...counts].sort((a, b) => a - b);
}

/** Per-user speed against cost as users share the GPU: both fall as users grow. Only configurations that fit. */
export function tradeOffCurve(input: Omit<SizingInput, 'users'>, userCounts: readonly number[]): TradeOffPoint[] {
	return userCounts
		.map((users) => ({ users, sizing: sizeDeployment({ ...input, users }) }))
		.filter(({ sizing }) => sizing.fits)
		.map(({ users, sizing }) => ({
			users,
			tokensPerSecondPerUser: sizing.tokensPerSecondPerUser,
			dollarsPerMillionTokens: sizing.dollarsPerMillionTokens,
		}));
}
