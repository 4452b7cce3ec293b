/**
 * Downloads that go wrong: a server that never answers, a body that stops
 * mid-way, a slow but steady body, HTTP statuses, and a load the caller
 * abandons. Stall timeouts are short here (LoadDeps.stallTimeoutMs); the real
 * files come from disk, only the failing request is replaced.
 */
import { describe, expect, it } from 'vitest';
import { fetchFiles, loadModel } from '../../src/runtime/loader';
import { RuntimeError } from '../../src/runtime/errors';
import { MODEL_URL, diskFetch, importOrt, loadTestModel } from './helpers';

const ONNX = /model_quantized\.onnx$/;
const req = { modelUrl: MODEL_URL, modelId: 'kjv-gpt-2m', dtype: 'q8' as const, backend: 'auto' as const };

/** Real files from disk, except that `which` gets `respond(init)`; every request's signal is kept. */
function fetchWith(which: RegExp, respond: (init?: RequestInit) => Promise<Response>) {
	const disk = diskFetch();
	const signals: AbortSignal[] = [];
	const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
		if (init?.signal) signals.push(init.signal);
		return which.test(String(input)) ? respond(init) : disk(input, init);
	}) as typeof globalThis.fetch;
	return { fetch, signals };
}

/** Never answers, and ignores its signal: the loader must not depend on fetch honouring it. */
const never = () => new Promise<Response>(() => undefined);

/** Answers at once, sends `bytes`, then nothing more; records whether the reader let go. */
function stallingBody(bytes: number) {
	const state = { cancelled: false };
	const respond = async () =>
		new Response(
			new ReadableStream<Uint8Array>({
				start(c) {
					c.enqueue(new Uint8Array(bytes));
				},
				cancel() {
					state.cancelled = true;
				},
			}),
			{ headers: { 'content-length': String(bytes * 10) } },
		);
	return { respond, state };
}

describe('a download that stalls', () => {
	it('no response at all becomes a stalled error within the stall timeout, and the other requests are aborted', async () => {
		const { fetch, signals } = fetchWith(ONNX, never);
		const err = await loadModel(req, { fetch, importOrt, stallTimeoutMs: 1500 }).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(RuntimeError);
		expect(err).toMatchObject({
			kind: 'stalled',
			message: `The model download stalled: no response for 1.5 s from ${MODEL_URL}onnx/model_quantized.onnx`,
		});
		expect(signals.length).toBe(4);
		expect(signals.every((s) => s.aborted)).toBe(true);
	});

	it('a body that stops mid-way becomes a stalled error, and the stream is cancelled', async () => {
		const body = stallingBody(1000);
		const { fetch } = fetchWith(ONNX, body.respond);
		const err = await loadModel(req, { fetch, importOrt, stallTimeoutMs: 1500 }).catch((e: unknown) => e);
		expect(err).toMatchObject({
			kind: 'stalled',
			message: expect.stringMatching(/^The model download stalled: no data for 1\.5 s from .*model_quantized\.onnx$/),
		});
		expect(body.state.cancelled).toBe(true);
	});

	it('a slow body that keeps delivering is not a stall, however long it takes in total', async () => {
		const chunks = 15;
		const slow = async () =>
			new Response(
				new ReadableStream<Uint8Array>({
					async pull(c) {
						await new Promise((r) => setTimeout(r, 100));
						c.enqueue(new Uint8Array([1, 2, 3]));
						if (--slowLeft === 0) c.close();
					},
				}),
			);
		let slowLeft = chunks;
		const { fetch } = fetchWith(/config\.json$/, slow);
		const t0 = Date.now();
		const [bytes] = await fetchFiles(MODEL_URL, ['config.json'], fetch, { stallTimeoutMs: 1000 });
		expect(Date.now() - t0).toBeGreaterThan(1400); // past the stall timeout in total
		expect(bytes!.byteLength).toBe(3 * chunks);
	});

	it('the stall timeout comes from the request (the page) before the deps (the worker)', async () => {
		const { fetch } = fetchWith(ONNX, never);
		const err = await loadModel({ ...req, stallTimeoutMs: 1200 }, { fetch, importOrt, stallTimeoutMs: 60_000 }).catch(
			(e: unknown) => e,
		);
		expect(err).toMatchObject({
			kind: 'stalled',
			message: expect.stringMatching(/no response for 1\.2 s from .*model_quantized/),
		});
	});
});

describe('HTTP statuses are classified', () => {
	const status =
		(code: number, text = '') =>
		async () =>
			new Response('x', { status: code, statusText: text });

	it('404 and 410 are not-found, naming the file; not a connection problem', async () => {
		const err = await loadTestModel('q8', { fetch: fetchWith(ONNX, status(404, 'Not Found')).fetch }).catch(
			(e: unknown) => e,
		);
		expect(err).toMatchObject({
			kind: 'not-found',
			message: `The model file ${MODEL_URL}onnx/model_quantized.onnx was not found (HTTP 404 Not Found)`,
		});
		const gone = await loadTestModel('q8', { fetch: fetchWith(ONNX, status(410)).fetch }).catch((e: unknown) => e);
		expect(gone).toMatchObject({ kind: 'not-found', message: expect.stringMatching(/was not found \(HTTP 410\)$/) });
	});

	it('5xx is a server error; another refusal (403) too', async () => {
		const err = await loadTestModel('q8', { fetch: fetchWith(ONNX, status(503, 'Service Unavailable')).fetch }).catch(
			(e: unknown) => e,
		);
		expect(err).toMatchObject({
			kind: 'server',
			message: expect.stringMatching(
				/^The server failed to send .*model_quantized\.onnx \(HTTP 503 Service Unavailable\)$/,
			),
		});
		const refused = await loadTestModel('q8', { fetch: fetchWith(ONNX, status(403)).fetch }).catch((e: unknown) => e);
		expect(refused).toMatchObject({
			kind: 'server',
			message: expect.stringMatching(/refused to send .*\(HTTP 403\)$/),
		});
	});

	it('a connection failure is network; a garbage file is corrupt-model', async () => {
		const offline = fetchWith(ONNX, async () => Promise.reject(new TypeError('Failed to fetch'))).fetch;
		await expect(loadTestModel('q8', { fetch: offline })).rejects.toMatchObject({
			kind: 'network',
			message: expect.stringMatching(/Failed to fetch/),
		});
		const garbage = fetchWith(ONNX, async () => new Response('<!doctype html>'.repeat(50))).fetch;
		await expect(loadTestModel('q8', { fetch: garbage })).rejects.toMatchObject({ kind: 'corrupt-model' });
	});
});

describe('abandoning a load', () => {
	it('aborts the fetches at once and rejects as cancelled; the next load works', async () => {
		const { fetch, signals } = fetchWith(ONNX, never);
		const abort = new AbortController();
		const pending = loadModel(req, { fetch, importOrt, signal: abort.signal, stallTimeoutMs: 60_000 });
		await new Promise((r) => setTimeout(r, 100));
		const t0 = Date.now();
		abort.abort();
		const err = await pending.catch((e: unknown) => e);
		expect(Date.now() - t0).toBeLessThan(5000); // not the 60 s stall: the cancel itself ended it
		expect(err).toMatchObject({ name: 'RuntimeError', kind: 'cancelled', message: 'The model load was cancelled.' });
		expect(signals.length).toBe(4);
		expect(signals.every((s) => s.aborted)).toBe(true);
		await expect(loadTestModel('q8')).resolves.toMatchObject({ info: { modelId: 'kjv-gpt-2m' } });
	});

	it('a signal aborted before the call rejects without fetching anything', async () => {
		const { fetch, signals } = fetchWith(ONNX, never);
		await expect(loadModel(req, { fetch, importOrt, signal: AbortSignal.abort() })).rejects.toMatchObject({
			kind: 'cancelled',
		});
		expect(signals.length).toBe(0);
	});

	it('a cancel while the session is being created rejects at once; the late session is released', async () => {
		const real = await importOrt();
		let released = false;
		let finishCreate: (() => void) | null = null;
		const slowOrt = async () =>
			({
				...real,
				env: real.env,
				Tensor: real.Tensor,
				InferenceSession: {
					create: async (bytes: Uint8Array, opts: object) => {
						await new Promise<void>((r) => (finishCreate = r));
						const s = await real.InferenceSession.create(bytes, opts as never);
						const release = s.release.bind(s);
						return Object.assign(s, { release: () => ((released = true), release()) });
					},
				},
			}) as never;
		const abort = new AbortController();
		const pending = loadModel(req, { fetch: diskFetch(), importOrt: slowOrt, signal: abort.signal });
		await expect.poll(() => finishCreate !== null, { timeout: 10_000 }).toBe(true);
		abort.abort();
		await expect(pending).rejects.toMatchObject({ kind: 'cancelled' });
		finishCreate!();
		await expect.poll(() => released, { timeout: 5000 }).toBe(true);
	});
});
