/**
 * What the page measures about its own model, for the calculator's first row: the bytes the
 * runtime actually holds and the time a token actually takes on the reader's device.
 */
import { tokensPerHourFromMs } from './sizing';

export interface ModelMeasurement {
	/** Bytes of the weights as loaded. */
	weightBytes: number;
	/** Bytes one token adds to the KV cache, read from the live cache tensors. */
	kvBytesPerToken: number;
	/** Mean decode time per token, in milliseconds, on this device. */
	msPerToken: number;
	/** Where it ran, as the runtime names it: "webgpu" or "wasm". */
	backend: string;
}

export type MeasurementResult =
	{ ok: true; measurement: ModelMeasurement; tokensPerHour: number } | { ok: false; message: string };

const numberFields = ['weightBytes', 'kvBytesPerToken', 'msPerToken'] as const;

/** Checks a measurement from outside (an event, an attribute's JSON) before the page shows it. */
export function parseMeasurement(value: unknown): MeasurementResult {
	if (value === null || typeof value !== 'object') {
		return {
			ok: false,
			message: 'The measurement is not an object with weightBytes, kvBytesPerToken, msPerToken and backend.',
		};
	}
	const record = value as Record<string, unknown>;
	for (const field of numberFields) {
		const number = record[field];
		if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) {
			return {
				ok: false,
				message: `The measurement's ${field} must be a positive number, got ${JSON.stringify(number) ?? 'nothing'}.`,
			};
		}
	}
	const backend = record.backend;
	if (typeof backend !== 'string' || !backend.trim() || backend.length > 40) {
		return { ok: false, message: 'The measurement does not name its backend.' };
	}
	const measurement: ModelMeasurement = {
		weightBytes: record.weightBytes as number,
		kvBytesPerToken: record.kvBytesPerToken as number,
		msPerToken: record.msPerToken as number,
		backend: backend.trim(),
	};
	return { ok: true, measurement, tokensPerHour: tokensPerHourFromMs(measurement.msPerToken) };
}
