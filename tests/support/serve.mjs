#!/usr/bin/env node
// Serves the built site (dist/) the way static hosting does: under the configured base path,
// with the real 404 page, correct MIME types, and optional cross-origin isolation headers.
//
//   node tests/support/serve.mjs [--port 4321] [--host 127.0.0.1] [--dir dist] [--base /repo/]
//
// Environment: PORT, HOST, BASE_PATH (same variable as astro.config.mjs), and
// CROSS_ORIGIN_ISOLATION=1 to send COOP/COEP, which browsers require before they give a page
// SharedArrayBuffer (multi-threaded WebAssembly).
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { extname, resolve, join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

/** The two headers that make a page cross-origin isolated. */
export const crossOriginIsolationHeaders = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * sirv's defaults omit the charset for text (browsers may then decode UTF-8 lesson text as
 * Latin-1) and know no type for model files; the module and WebAssembly types are pinned because
 * browsers refuse to run them under any other type.
 */
export const contentTypeOverrides = {
	'.md': 'text/markdown; charset=utf-8',
	'.txt': 'text/plain; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.wasm': 'application/wasm',
	'.onnx': 'application/octet-stream',
};

/** `/repo` and `repo/` both become `/repo/`; empty becomes `/`. */
export function normaliseBase(base = '/') {
	const trimmed = base.replace(/^\/+|\/+$/g, '');
	return trimmed ? `/${trimmed}/` : '/';
}

/**
 * @param {{ dir?: string, base?: string, crossOriginIsolation?: boolean }} options
 * @returns {import('node:http').Server}
 */
export function createStaticServer({ dir = 'dist', base = '/', crossOriginIsolation = false } = {}) {
	const root = resolve(dir);
	const prefix = normaliseBase(base);
	const notFoundPage = join(root, '404.html');
	const serveFile = sirv(root, {
		dev: true, // re-read files on every request, so a rebuild is picked up without a restart
		etag: true,
		setHeaders(res, pathname) {
			if (crossOriginIsolation) {
				for (const [name, value] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(name, value);
			}
			const type = contentTypeOverrides[extname(pathname)];
			if (type) res.setHeader('Content-Type', type);
		},
	});

	const notFound = (res) => {
		res.statusCode = 404;
		if (crossOriginIsolation) {
			for (const [name, value] of Object.entries(crossOriginIsolationHeaders)) res.setHeader(name, value);
		}
		if (existsSync(notFoundPage)) {
			res.setHeader('Content-Type', 'text/html; charset=utf-8');
			res.end(readFileSync(notFoundPage));
		} else {
			res.setHeader('Content-Type', 'text/plain; charset=utf-8');
			res.end('Not found');
		}
	};

	return createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (prefix !== '/' && url.pathname === prefix.slice(0, -1)) {
			res.writeHead(301, { Location: prefix + url.search }).end();
			return;
		}
		if (!url.pathname.startsWith(prefix)) return notFound(res);
		req.url = '/' + url.pathname.slice(prefix.length) + url.search;
		serveFile(req, res, () => notFound(res));
	});
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	const { values } = parseArgs({
		options: {
			port: { type: 'string', default: process.env.PORT ?? '4321' },
			host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
			dir: { type: 'string', default: 'dist' },
			base: { type: 'string', default: process.env.BASE_PATH ?? '/' },
		},
	});
	if (!existsSync(join(values.dir, 'index.html'))) {
		console.error(`${values.dir}/index.html not found: build the site first (npx astro build).`);
		process.exit(1);
	}
	const crossOriginIsolation = process.env.CROSS_ORIGIN_ISOLATION === '1';
	const server = createStaticServer({ dir: values.dir, base: values.base, crossOriginIsolation });
	server.listen(Number(values.port), values.host, () => {
		const base = normaliseBase(values.base);
		console.log(`Serving ${values.dir}/ at http://${values.host}:${values.port}${base}`);
		if (crossOriginIsolation) console.log('Sending COOP/COEP headers (cross-origin isolated).');
	});
}
