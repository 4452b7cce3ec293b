// @ts-check
/**
 * Serves onnxruntime-web's runtime files from the site itself (no CDN).
 *
 * The runtime sets `ort.env.wasm.wasmPaths` to absolute URLs under `<base>ort/`:
 * a Vite-bundled ORT cannot locate its .wasm next to itself, and a threaded one
 * hangs at session creation unless its pthread workers can import the .mjs.
 * Only the two builds the runtime uses are copied: the plain WASM build and the
 * asyncify build that the WebGPU entry point loads.
 *
 * Also makes workers ES modules, so the runtime worker can import the ORT build
 * for the chosen backend on demand, and points `onnxruntime-web/wasm|webgpu` at
 * ORT's "extern wasm" builds: the default "bundle" builds reference their .wasm
 * via `new URL(…, import.meta.url)`, which makes Vite emit a second, hashed
 * copy of the 14 MB / 27 MB binaries into _astro/ that nothing loads.
 *
 * Each .wasm also gets a zstd-packed twin (`.wasm.zst`), which is what the runtime downloads:
 * 2.5 MB instead of the 3.7 MB a gzip-only host sends for the 14 MB binary (or all 14 MB from a
 * host that does not compress .wasm). Packing at level 19 takes seconds, so the result is cached
 * under node_modules/.cache, keyed by the binary's hash.
 *
 * Add to astro.config.mjs:  integrations: [ortAssets(), ...]
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, zstdCompressSync } from 'node:zlib';

export const ORT_ASSET_DIR = 'ort';
export const ORT_ASSET_FILES = [
	'ort-wasm-simd-threaded.mjs',
	'ort-wasm-simd-threaded.wasm',
	'ort-wasm-simd-threaded.asyncify.mjs',
	'ort-wasm-simd-threaded.asyncify.wasm',
];

/** The packed twin of each binary, as served beside it. */
export const PACKED_SUFFIX = '.zst';
export const ORT_PACKED_FILES = ORT_ASSET_FILES.filter((f) => f.endsWith('.wasm')).map((f) => f + PACKED_SUFFIX);

const PACK_CACHE = fileURLToPath(new URL('../../node_modules/.cache/ort-packed/', import.meta.url));

/** @type {Map<string, Promise<Buffer>>} */
const packedThisRun = new Map();

/**
 * The binary as one zstd frame at level 19, read from the cache when this exact binary was packed
 * before; once per file per process (the dev server asks on every request).
 * @param {string} file
 */
export function packedBinary(file) {
	let packed = packedThisRun.get(file);
	if (!packed) {
		packed = pack(file);
		packedThisRun.set(file, packed);
		packed.catch(() => packedThisRun.delete(file));
	}
	return packed;
}

/** @param {string} file */
async function pack(file) {
	const bytes = await readFile(file);
	const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
	const cached = path.join(PACK_CACHE, `${path.basename(file)}.${hash}${PACKED_SUFFIX}`);
	try {
		return await readFile(cached);
	} catch {
		const packed = zstdCompressSync(bytes, {
			params: { [constants.ZSTD_c_compressionLevel]: 19 },
		});
		await mkdir(PACK_CACHE, { recursive: true });
		await writeFile(cached, packed);
		return packed;
	}
}

function ortDistDir() {
	const require = createRequire(import.meta.url);
	// The package's "exports" hide package.json from require.resolve; its main file sits in dist/.
	return path.dirname(require.resolve('onnxruntime-web'));
}

/** @param {string} f */
const mime = (f) =>
	f.endsWith('.wasm') ? 'application/wasm' : f.endsWith(PACKED_SUFFIX) ? 'application/zstd' : 'text/javascript';

/** @returns {import('astro').AstroIntegration} */
export default function ortAssets() {
	let base = '/';
	return {
		name: 'token-by-token:ort-assets',
		hooks: {
			'astro:config:setup': ({ config, updateConfig }) => {
				base = config.base.endsWith('/') ? config.base : `${config.base}/`;
				const dist = ortDistDir();
				updateConfig({
					vite: {
						resolve: {
							alias: [
								{ find: /^onnxruntime-web\/wasm$/, replacement: path.join(dist, 'ort.wasm.min.mjs') },
								{ find: /^onnxruntime-web\/webgpu$/, replacement: path.join(dist, 'ort.webgpu.min.mjs') },
							],
						},
						worker: { format: 'es' },
						// Pre-bundling ORT would break its import.meta.url-relative lookups in dev.
						optimizeDeps: { exclude: ['onnxruntime-web'] },
					},
				});
			},
			'astro:server:setup': ({ server }) => {
				const dist = ortDistDir();
				const prefix = `${base}${ORT_ASSET_DIR}/`;
				server.middlewares.use((req, res, next) => {
					const url = (req.url ?? '').split('?')[0] ?? '';
					if (!url.startsWith(prefix)) return next();
					const file = url.slice(prefix.length);
					if (ORT_PACKED_FILES.includes(file)) {
						packedBinary(path.join(dist, file.slice(0, -PACKED_SUFFIX.length))).then(
							(packed) => {
								res.setHeader('Content-Type', mime(file));
								res.end(packed);
							},
							(err) => next(err),
						);
						return;
					}
					if (!ORT_ASSET_FILES.includes(file)) return next();
					res.setHeader('Content-Type', mime(file));
					createReadStream(path.join(dist, file)).pipe(res);
				});
			},
			'astro:build:done': async ({ dir, logger }) => {
				const dist = ortDistDir();
				const out = path.join(fileURLToPath(dir), ORT_ASSET_DIR);
				await mkdir(out, { recursive: true });
				let bytes = 0;
				for (const f of ORT_ASSET_FILES) {
					await copyFile(path.join(dist, f), path.join(out, f));
					bytes += (await stat(path.join(out, f))).size;
				}
				let packedBytes = 0;
				for (const f of ORT_PACKED_FILES) {
					const packed = await packedBinary(path.join(dist, f.slice(0, -PACKED_SUFFIX.length)));
					await writeFile(path.join(out, f), packed);
					packedBytes += packed.byteLength;
				}
				logger.info(
					`copied ${ORT_ASSET_FILES.length} onnxruntime-web files (${(bytes / 1e6).toFixed(1)} MB) and packed ` +
						`${ORT_PACKED_FILES.length} binaries (${(packedBytes / 1e6).toFixed(1)} MB) to ${ORT_ASSET_DIR}/`,
				);
			},
		},
	};
}
