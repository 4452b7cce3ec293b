/**
 * Abandoning a load through the page-side client, against the real worker host
 * in one process: the cancel crosses the protocol ('cancel-load'), the worker
 * aborts the downloads only when no caller still waits, and a later load
 * starts cleanly. Also: download failures keep their kind across the boundary.
 */
import { describe, expect, it } from 'vitest';
import { createRuntimeClient } from '../../src/runtime/client';
import type { ToWorker } from '../../src/runtime/protocol';
import type { LoadProgress } from '../../src/runtime/events';
import { RuntimeError } from '../../src/runtime/errors';
import { MODEL_URL, diskFetch } from './helpers';
import { connectInProcess, type Counters } from './in-process';

/** Real files, but the ONNX request waits until `open()` (or until its signal aborts, as a browser's fetch does). */
function gatedFetch() {
	const disk = diskFetch();
	let open = () => undefined as void;
	const state = { onnxSignals: [] as AbortSignal[], gate: new Promise<void>((r) => (open = r)) };
	const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
		if (!String(input).endsWith('.onnx')) return disk(input, init);
		const signal = init!.signal!;
		state.onnxSignals.push(signal);
		await new Promise<void>((resolve, reject) => {
			state.gate.then(resolve);
			signal.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
		});
		return disk(input, init);
	}) as typeof globalThis.fetch;
	return { fetch, state, open: () => open() };
}

const waitFor = (check: () => boolean) => expect.poll(check, { timeout: 5000, interval: 5 }).toBe(true);

describe('cancelling a load from the page', () => {
	it('rejects as cancelled at once, aborts the worker fetches, and a later load starts cleanly', async () => {
		const gated = gatedFetch();
		const toWorker: ToWorker[] = [];
		const counters: Counters = { loads: 0 };
		const rt = createRuntimeClient(connectInProcess(gated.fetch, counters, undefined, (m) => toWorker.push(m)));
		const abort = new AbortController();
		const progress: LoadProgress[] = [];
		const pending = rt.load({ model: MODEL_URL }, (p) => progress.push(p), { signal: abort.signal });
		await waitFor(() => gated.state.onnxSignals.length === 1);
		abort.abort();
		const err = await pending.catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RuntimeError);
		expect(err).toMatchObject({ kind: 'cancelled', message: 'The model load was cancelled.' });
		const seen = progress.length;
		expect(toWorker.map((m) => m.type)).toEqual(['load', 'cancel-load']);
		await waitFor(() => gated.state.onnxSignals[0]!.aborted);

		gated.open();
		await expect(rt.load({ model: MODEL_URL })).resolves.toMatchObject({ modelId: 'kjv-gpt-2m' });
		expect(counters.loads).toBe(2);
		expect(gated.state.onnxSignals.length).toBe(2);
		expect(gated.state.onnxSignals[1]!.aborted).toBe(false);
		// The abandoned caller heard nothing after it let go.
		expect(progress.length).toBe(seen);
	});

	it('a load another caller still waits for goes on when the others cancel', async () => {
		const gated = gatedFetch();
		const toWorker: ToWorker[] = [];
		const rt = createRuntimeClient(connectInProcess(gated.fetch, { loads: 0 }, undefined, (m) => toWorker.push(m)));
		const a = new AbortController();
		const b = new AbortController();
		const first = rt.load({ model: MODEL_URL }, undefined, { signal: a.signal });
		const second = rt.load({ model: MODEL_URL }, undefined, { signal: b.signal });
		const third = rt.load({ model: MODEL_URL }); // no signal: it wants the model whatever happens
		await waitFor(() => gated.state.onnxSignals.length === 1);

		a.abort();
		await expect(first).rejects.toMatchObject({ kind: 'cancelled' });
		b.abort();
		await expect(second).rejects.toMatchObject({ kind: 'cancelled' });
		await new Promise((r) => setTimeout(r, 50));
		expect(toWorker.map((m) => m.type)).toEqual(['load']);
		expect(gated.state.onnxSignals[0]!.aborted).toBe(false);

		gated.open();
		await expect(third).resolves.toMatchObject({ modelId: 'kjv-gpt-2m' });
	});

	it('every caller gone: the worker load is aborted; a run waiting on it fails as cancelled', async () => {
		const gated = gatedFetch();
		const rt = createRuntimeClient(connectInProcess(gated.fetch));
		const a = new AbortController();
		const b = new AbortController();
		const first = rt.load({ model: MODEL_URL }, undefined, { signal: a.signal });
		const second = rt.load({ model: MODEL_URL }, undefined, { signal: b.signal });
		const run = rt.generate('In the beginning', { maxNewTokens: 2, mode: 'cached', sampling: { strategy: 'greedy' } });
		await waitFor(() => gated.state.onnxSignals.length === 1);
		a.abort();
		b.abort();
		await expect(Promise.allSettled([first, second])).resolves.toMatchObject([
			{ reason: { kind: 'cancelled' } },
			{ reason: { kind: 'cancelled' } },
		]);
		await expect(run.done).rejects.toMatchObject({ kind: 'cancelled' });
		await waitFor(() => gated.state.onnxSignals[0]!.aborted);
	});

	it('a signal that is already aborted rejects without asking the worker', async () => {
		const toWorker: ToWorker[] = [];
		const rt = createRuntimeClient(connectInProcess(diskFetch(), { loads: 0 }, undefined, (m) => toWorker.push(m)));
		await expect(rt.load({ model: MODEL_URL }, undefined, { signal: AbortSignal.abort() })).rejects.toMatchObject({
			kind: 'cancelled',
		});
		expect(toWorker).toEqual([]);
	});

	it('cancelling after the model arrived changes nothing', async () => {
		const rt = createRuntimeClient(connectInProcess());
		const abort = new AbortController();
		const info = await rt.load({ model: MODEL_URL }, undefined, { signal: abort.signal });
		abort.abort();
		await expect(rt.load({ model: MODEL_URL })).resolves.toEqual(info);
	});
});

describe('download failures through the worker', () => {
	it('a stalled download (stall timeout from the load options) rejects as stalled, and Retry works', async () => {
		const gated = gatedFetch();
		const rt = createRuntimeClient(connectInProcess(gated.fetch));
		const err = await rt.load({ model: MODEL_URL, stallTimeoutMs: 1500 }).catch((e: unknown) => e);
		expect(err).toMatchObject({
			name: 'RuntimeError',
			kind: 'stalled',
			message: expect.stringMatching(/stalled: no response for 1\.5 s from .*model_quantized\.onnx$/),
		});
		gated.open();
		await expect(rt.load({ model: MODEL_URL })).resolves.toMatchObject({ modelId: 'kjv-gpt-2m' });
	});

	it('the worker-wide stall timeout (HostDeps) applies when the page sets none', async () => {
		const gated = gatedFetch();
		const rt = createRuntimeClient(
			connectInProcess(gated.fetch, { loads: 0 }, undefined, undefined, { stallTimeoutMs: 1200 }),
		);
		await expect(rt.load({ model: MODEL_URL })).rejects.toMatchObject({
			kind: 'stalled',
			message: expect.stringMatching(/no response for 1\.2 s from .*model_quantized/),
		});
	});

	it('a 404 arrives as not-found; a bad stall timeout is refused as bad-settings', async () => {
		const rt = createRuntimeClient(connectInProcess());
		await expect(rt.load({ model: `${MODEL_URL}../no-such-model/` })).rejects.toMatchObject({
			kind: 'not-found',
			message: expect.stringMatching(/^The model file .*no-such-model\/[\w./-]+ was not found \(HTTP 404 Not Found\)$/),
		});
		await expect(rt.load({ model: MODEL_URL, stallTimeoutMs: 0 })).rejects.toMatchObject({
			kind: 'bad-settings',
			field: 'stallTimeoutMs',
		});
	});
});
