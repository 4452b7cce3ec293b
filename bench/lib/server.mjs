// @ts-check
// The bench's static server: the built site under `/`, the content types of tests/support/serve.mjs,
// compressed as the chosen host would (see ENCODINGS), and a log of every request (path, encoding,
// bytes on the wire, start/end in epoch ms) so the bench can account for exactly what the browser
// downloaded, worker requests included.
import { createServer } from 'node:http';
import { extname, resolve } from 'node:path';
import compression from 'compression';
import sirv from 'sirv';
import { contentTypeOverrides, crossOriginIsolationHeaders } from '../../tests/support/serve.mjs';

/**
 * How the server encodes responses.
 * - `gzip`: as GitHub Pages, where the site is deployed, serves it: text types (HTML, CSS, JS, JSON,
 *   SVG) gzipped on the fly; binaries (the model, ORT's packed binary) as they are.
 * - `identity`: nothing compressed, as a bare static server.
 * - `precompressed`: the `.br`/`.gz` files of a `BENCH_PRECOMPRESS=1` build, brotli first.
 */
export const ENCODINGS = /** @type {const} */ (['gzip', 'identity', 'precompressed']);

/**
 * Chromium offers br and zstd too; GitHub Pages answers gzip, so the middleware is offered gzip alone.
 * @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void}
 */
const gzipLikeGitHubPages = (() => {
	// The middleware's own list (mime-db's) also counts application/octet-stream as compressible.
	const TEXT = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/;
	const middleware = compression({ filter: (_req, res) => TEXT.test(String(res.getHeader('Content-Type') ?? '')) });
	return (req, res, next) => {
		if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) req.headers['accept-encoding'] = 'gzip';
		else delete req.headers['accept-encoding'];
		// @ts-expect-error typed for Express; it reads and wraps only what Node's request and response have
		middleware(req, res, next);
	};
})();

/**
 * @typedef {{ path: string, status: number, encoding: string, bytes: number, start: number, end: number }} LogEntry
 * @param {{ dir: string, crossOriginIsolated?: boolean, encoding?: typeof ENCODINGS[number] }} options
 */
export function startServer({ dir, crossOriginIsolated = false, encoding = 'gzip' }) {
	/** @type {LogEntry[]} */
	const log = [];
	const precompressed = encoding === 'precompressed';
	const serveFile = sirv(resolve(dir), {
		dev: false,
		etag: true,
		gzip: precompressed,
		brotli: precompressed,
		setHeaders(res, pathname) {
			const type = contentTypeOverrides[/** @type {keyof typeof contentTypeOverrides} */ (extname(pathname))];
			if (type) res.setHeader('Content-Type', type);
			if (crossOriginIsolated) for (const [k, v] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(k, v);
		},
	});
	const server = createServer((req, res) => {
		const start = Date.now();
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		let bytes = 0;
		const write = res.write.bind(res);
		const end = res.end.bind(res);
		/** @param {any} chunk */
		const count = (chunk) => {
			if (chunk && typeof chunk !== 'function')
				bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
		};
		// @ts-ignore narrowing the overloads is not worth it here
		res.write = (chunk, ...rest) => (count(chunk), write(chunk, ...rest));
		// @ts-ignore
		res.end = (chunk, ...rest) => (count(chunk), end(chunk, ...rest));
		res.on('finish', () => {
			log.push({
				path,
				status: res.statusCode,
				encoding: String(res.getHeader('Content-Encoding') ?? 'identity'),
				bytes,
				start,
				end: Date.now(),
			});
		});
		const serve = () =>
			serveFile(req, res, () => {
				res.statusCode = 404;
				res.end('Not found');
			});
		// After the byte count's wrappers, so that it counts what the middleware sends.
		if (encoding === 'gzip') gzipLikeGitHubPages(req, res, serve);
		else serve();
	});
	return new Promise((resolvePromise) => {
		server.listen(0, '127.0.0.1', () => {
			const address = /** @type {import('node:net').AddressInfo} */ (server.address());
			resolvePromise({
				origin: `http://127.0.0.1:${address.port}`,
				port: address.port,
				log,
				close: () => new Promise((r) => server.close(() => r(undefined))),
			});
		});
	});
}
