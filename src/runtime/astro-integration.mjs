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
 * Add to astro.config.mjs:  integrations: [ortAssets(), ...]
 */
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORT_ASSET_DIR = 'ort';
export const ORT_ASSET_FILES = [
	'ort-wasm-simd-threaded.mjs',
	'ort-wasm-simd-threaded.wasm',
	'ort-wasm-simd-threaded.asyncify.mjs',
	'ort-wasm-simd-threaded.asyncify.wasm',
];

function ortDistDir() {
	const require = createRequire(import.meta.url);
	// The package's "exports" hide package.json from require.resolve; its main file sits in dist/.
	return path.dirname(require.resolve('onnxruntime-web'));
}

/** @param {string} f */
const mime = (f) => (f.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');

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
				logger.info(
					`copied ${ORT_ASSET_FILES.length} onnxruntime-web files (${(bytes / 1e6).toFixed(1)} MB) to ${ORT_ASSET_DIR}/`,
				);
			},
		},
	};
}
