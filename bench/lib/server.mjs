// @ts-check
// The bench's static server: the built site under `/`, the content types of tests/support/serve.mjs,
// precompressed .br/.gz siblings sent with Content-Encoding when the build has them (sirv), and a
// log of every request (path, encoding, bytes on the wire, start/end in epoch ms) so the bench can
// account for exactly what the browser downloaded, worker requests included.
import { createServer } from 'node:http';
import { extname, resolve } from 'node:path';
import sirv from 'sirv';
import { contentTypeOverrides, crossOriginIsolationHeaders } from '../../tests/support/serve.mjs';

/**
 * @typedef {{ path: string, status: number, encoding: string, bytes: number, start: number, end: number }} LogEntry
 * @param {{ dir: string, crossOriginIsolated?: boolean }} options
 */
export function startServer({ dir, crossOriginIsolated = false }) {
	/** @type {LogEntry[]} */
	const log = [];
	const serveFile = sirv(resolve(dir), {
		dev: false,
		etag: true,
		gzip: true,
		brotli: true,
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
		serveFile(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
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
