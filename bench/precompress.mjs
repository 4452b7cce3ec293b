// @ts-check
/**
 * Proposed build step (not enabled in astro.config.mjs; the bench can turn it on with
 * BENCH_PRECOMPRESS=1): writes `.br` and `.gz` next to every compressible file in the build
 * output, so a static server (sirv with `{ brotli: true, gzip: true }`, nginx `gzip_static` /
 * `brotli_static`, Netlify, Cloudflare Pages…) can send them with `Content-Encoding` instead of
 * compressing on the fly (or not at all, as many hosts do for .wasm and .onnx).
 *
 * One-line hook, as the LAST integration in astro.config.mjs (after ortAssets(), whose
 * astro:build:done copies the ORT files this must see):
 *
 *   import precompress from './bench/precompress.mjs';  …  integrations: [ortAssets(), starlight(…), precompress()]
 *
 * Measured on this build: ORT wasm 14.24 MB → 2.30 MB br (q11) / 3.69 MB gz; int8 model 2.34 MB →
 * 2.13 MB br / 2.15 MB gz; tokenizer.json 49 KB → 14 KB br. Brotli q11 on the 14 MB wasm is slow
 * (~160 s on a loaded 2-core machine, ~25 s unloaded), so files over 4 MB use q9 unless
 * PRECOMPRESS_MAX_QUALITY=1.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export const COMPRESSIBLE = /\.(wasm|onnx|mjs|js|css|html|json|svg|txt|xml|md|map)$/i;
/** Below this, compression headers cost about what they save. */
export const MIN_BYTES = 1024;

/** @param {string} dir @returns {AsyncGenerator<string>} */
async function* walk(dir) {
	for (const entry of await readdir(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (entry.isDirectory()) yield* walk(p);
		else if (entry.isFile()) yield p;
	}
}

/**
 * Compresses one file; keeps each encoding only when it is smaller.
 * @param {string} file
 */
export async function precompressFile(file) {
	const raw = await readFile(file);
	const [br, gz] = await Promise.all([
		brotli(raw, {
			params: {
				[zlib.constants.BROTLI_PARAM_QUALITY]: raw.length > 4e6 && process.env.PRECOMPRESS_MAX_QUALITY !== '1' ? 9 : 11,
				[zlib.constants.BROTLI_PARAM_LGWIN]: 24,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
			},
		}),
		gzip(raw, { level: 9 }),
	]);
	const out = { raw: raw.length, br: 0, gz: 0 };
	if (br.length < raw.length) (await writeFile(`${file}.br`, br), (out.br = br.length));
	if (gz.length < raw.length) (await writeFile(`${file}.gz`, gz), (out.gz = gz.length));
	return out;
}

/** @param {string} dir */
export async function precompressDir(dir) {
	const files = [];
	for await (const f of walk(dir)) {
		if (!COMPRESSIBLE.test(f)) continue;
		if ((await stat(f)).size >= MIN_BYTES) files.push(f);
	}
	let raw = 0;
	let br = 0;
	// Two at a time: brotli q11 on the 14 MB wasm dominates, and the build machine has few cores.
	for (let i = 0; i < files.length; i += 2) {
		const results = await Promise.all(files.slice(i, i + 2).map(precompressFile));
		for (const r of results) {
			raw += r.raw;
			br += r.br || r.raw;
		}
	}
	return { files: files.length, raw, br };
}

/** @returns {import('astro').AstroIntegration} */
export default function precompress() {
	return {
		name: 'token-by-token:precompress',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				const t0 = Date.now();
				const r = await precompressDir(fileURLToPath(dir));
				logger.info(
					`precompressed ${r.files} files: ${(r.raw / 1e6).toFixed(1)} MB → ${(r.br / 1e6).toFixed(1)} MB brotli (+ .gz) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
				);
			},
		},
	};
}
