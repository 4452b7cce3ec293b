/**
 * Downloads the model's files with byte progress, a stall watchdog and
 * cancellation.
 *
 * A stall timeout, not a total one: a slow connection that keeps delivering
 * bytes must be allowed to finish however long it takes, but a request that
 * stops answering (no headers, or a body that stops mid-way) must become an
 * error the reader can retry, not a spinner.
 */

import { RuntimeError, describe, loadCancelled } from './errors';
import type { LoadProgress } from './events';

/** Long enough for a congested mobile link between chunks, short enough that a reader is still there. */
export const DEFAULT_STALL_TIMEOUT_MS = 20_000;

export interface DownloadOptions {
	onProgress?: (p: LoadProgress) => void;
	/** Abandons every download; the call then rejects with a 'cancelled' RuntimeError. */
	signal?: AbortSignal;
	/** A file that delivers no response or no bytes for this long fails the whole download ('stalled'). */
	stallTimeoutMs?: number;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

/** A status the server chose: a missing file is not a connection problem, and retrying will not bring it. */
export function httpError(url: string, res: Pick<Response, 'status' | 'statusText'>): RuntimeError {
	const status = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
	if (res.status === 404 || res.status === 410)
		return new RuntimeError('not-found', `The model file ${url} was not found (${status})`);
	if (res.status >= 500) return new RuntimeError('server', `The server failed to send ${url} (${status})`);
	return new RuntimeError('server', `The server refused to send ${url} (${status})`);
}

function watchdog(ms: number, onStall: () => void) {
	let timer = setTimeout(onStall, ms);
	return {
		reset() {
			clearTimeout(timer);
			timer = setTimeout(onStall, ms);
		},
		stop() {
			clearTimeout(timer);
		},
	};
}

/** Fetches the named files concurrently, reporting bytes per file and overall. */
export async function fetchFiles(
	baseUrl: string,
	files: string[],
	fetchImpl: typeof fetch,
	opts: DownloadOptions = {},
): Promise<Uint8Array[]> {
	const { onProgress, signal } = opts;
	const stallMs = opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
	if (signal?.aborted) throw loadCancelled();
	const urls = files.map((f) => new URL(f, baseUrl).href);

	// One controller for every request: the first failure, or the caller's cancel,
	// stops them all, so a failed or abandoned load does not go on downloading.
	const abort = new AbortController();
	let failure: RuntimeError | null = null;
	const fail = (err: RuntimeError): RuntimeError => {
		if (!failure) {
			failure = err;
			abort.abort(err);
		}
		return failure;
	};
	const onCancel = () => fail(loadCancelled());
	signal?.addEventListener('abort', onCancel, { once: true });
	// Rejects with the first failure. Raced with every wait, because a fetch (or a
	// body stream) is not obliged to end when its signal aborts.
	const aborted = new Promise<never>((_, reject) =>
		abort.signal.addEventListener('abort', () => reject(failure), { once: true }),
	);
	aborted.catch(() => undefined);
	const stalled = (url: string, what: string) => () =>
		fail(new RuntimeError('stalled', `The model download stalled: ${what} for ${seconds(stallMs)} from ${url}`));

	try {
		// Every response first, so the overall total is known before the first progress report.
		const responses = await Promise.all(
			urls.map(async (url) => {
				const dog = watchdog(stallMs, stalled(url, 'no response'));
				let res: Response;
				try {
					res = await Promise.race([fetchImpl(url, { signal: abort.signal }), aborted]);
				} catch (err) {
					throw (
						failure ?? fail(new RuntimeError('network', `Could not fetch ${url}: ${describe(err)}`, { cause: err }))
					);
				} finally {
					dog.stop();
				}
				if (!res.ok) {
					res.body?.cancel().catch(() => undefined);
					throw fail(httpError(url, res));
				}
				return res;
			}),
		);
		// Content-Length is the compressed size when the server compresses, so a
		// total is a hint: it grows to what actually arrived.
		const totals = responses.map((r) => Number(r.headers.get('content-length')) || 0);
		const loaded = files.map(() => 0);
		const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
		const labels = files.map((f) => (/^[a-z]+:/i.test(f) ? new URL(f).pathname.split('/').pop()! : f));
		const report = (i: number) => {
			if (!onProgress) return;
			const total = totals[i]! && loaded[i]! > totals[i]! ? loaded[i]! : totals[i]!;
			onProgress({
				file: labels[i]!,
				loaded: loaded[i]!,
				total,
				overallLoaded: sum(loaded),
				overallTotal: Math.max(sum(totals), sum(loaded)),
			});
		};
		const readBody = async (res: Response, i: number): Promise<Uint8Array> => {
			const url = urls[i]!;
			const dog = watchdog(stallMs, stalled(url, 'no data'));
			const reader = res.body?.getReader();
			try {
				if (!reader) {
					const buf = new Uint8Array(await Promise.race([res.arrayBuffer(), aborted]));
					loaded[i] = buf.byteLength;
					report(i);
					return buf;
				}
				const chunks: Uint8Array[] = [];
				report(i);
				for (;;) {
					const { done, value } = await Promise.race([reader.read(), aborted]);
					if (done) break;
					dog.reset();
					chunks.push(value);
					loaded[i]! += value.byteLength;
					report(i);
				}
				if (totals[i]! < loaded[i]!) totals[i] = loaded[i]!;
				const out = new Uint8Array(loaded[i]!);
				let off = 0;
				for (const c of chunks) {
					out.set(c, off);
					off += c.byteLength;
				}
				return out;
			} catch (err) {
				// Let go of the connection: a stalled or abandoned body must not keep it open.
				reader?.cancel().catch(() => undefined);
				throw (
					failure ?? fail(new RuntimeError('network', `Download of ${url} failed: ${describe(err)}`, { cause: err }))
				);
			} finally {
				dog.stop();
			}
		};
		return await Promise.all(responses.map(readBody));
	} catch (err) {
		throw failure ?? err;
	} finally {
		signal?.removeEventListener('abort', onCancel);
	}
}
