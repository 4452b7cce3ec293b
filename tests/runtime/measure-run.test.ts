/**
 * The sizing calculator's measured row, from a real `stream` run of the shipped model in Node:
 * the weights are the loaded ONNX file's bytes, the KV bytes a token the live cache's bytes over
 * the tokens it holds (equal to the formula on the model's config.json), the time a token the mean
 * decode step. The calculator's own check of a measurement accepts it.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stream } from '../../src/runtime/loops/stream';
import type { StreamDoneEvent } from '../../src/runtime/loops/stream-events';
import type { LoadedModel } from '../../src/runtime/loader';
import { viewAt } from '../../src/components/runnable/view-model';
import { measureStreamRun } from '../../src/components/runnable/measure-run';
import { getModel, kvBytesPerToken, kvShapeOf, parseMeasurement } from '../../src/serving-math';
import { collect, loadTestModel, PUBLIC_DIR } from './helpers';

let model: LoadedModel;
beforeAll(async () => {
	model = await loadTestModel('q8');
});

const greedy = (maxNewTokens: number) => ({ maxNewTokens, sampling: { strategy: 'greedy' as const } });
const runView = async (prompt: string, maxNewTokens: number) => {
	const events = await collect(stream(model, prompt, greedy(maxNewTokens)));
	return { events, view: viewAt(events, events.length - 1, 'stream') };
};

describe('measuring a finished stream run', () => {
	it('gives the loaded file’s bytes, the formula’s KV bytes a token and the mean decode step', async () => {
		const { events, view } = await runView('The LORD is my shepherd;', 30);
		const done = events.at(-1) as StreamDoneEvent;
		const result = measureStreamRun(view, model.info);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		const { measurement } = result;
		const onnx = readFileSync(`${PUBLIC_DIR}models/kjv-gpt-2m/onnx/model_quantized.onnx`);
		expect(measurement.weightBytes).toBe(onnx.byteLength);
		expect(measurement.kvBytesPerToken).toBe(kvBytesPerToken(kvShapeOf(getModel('kjv-gpt-2m'))));
		expect(measurement.kvBytesPerToken).toBe(6144);
		const decodeMs = done.stats.decodeStepMs;
		expect(measurement.decodeSteps).toBe(decodeMs.length);
		expect(measurement.decodeSteps).toBe(done.stats.newTokens - 1);
		expect(measurement.msPerToken).toBeCloseTo(decodeMs.reduce((a, b) => a + b, 0) / decodeMs.length, 9);
		expect(measurement.backend).toBe(model.info.backend.backend);
		const parsed = parseMeasurement(measurement);
		expect(parsed.ok).toBe(true);
		if (parsed.ok) expect(parsed.tokensPerHour).toBeCloseTo(3_600_000 / measurement.msPerToken, 6);
	});

	it('says why when there is nothing to measure: a run still going, one token only, no model size', async () => {
		const { events, view } = await runView('The LORD is my shepherd;', 1);
		expect(measureStreamRun(view, model.info)).toEqual({
			ok: false,
			reason: 'This run made one token, so it had no decode step to time. Run a prompt that writes more.',
		});
		const unfinished = viewAt(events, events.length - 2, 'stream');
		expect(measureStreamRun(unfinished, model.info)).toMatchObject({ ok: false, reason: 'The run has not finished.' });
		const full = (await runView('Blessed are the', 4)).view;
		expect(measureStreamRun(full, { backend: { backend: 'wasm' } })).toMatchObject({
			ok: false,
			reason: 'The loaded model did not report its size.',
		});
	});
});
