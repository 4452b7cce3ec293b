/**
 * Checks the built site (dist/, which `npm test` builds first) for how
 * onnxruntime-web ships: one version, each build once, served from our own
 * ort/ folder, and no stray second copy of the big .wasm binaries.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
	ORT_ASSET_DIR,
	ORT_ASSET_FILES,
	ORT_PACKED_FILES,
	PACKED_SUFFIX,
} from '../../src/runtime/astro-integration.mjs';
import { ORT_FILES } from '../../src/runtime/backend';
import { binaryUnpacker } from '../../src/runtime/unpack';

const dist = path.resolve('dist');
const built = existsSync(path.join(dist, '_astro')) && existsSync(path.join(dist, ORT_ASSET_DIR));
const ortDist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
const ortVersion = (JSON.parse(readFileSync(path.join(ortDist, '..', 'package.json'), 'utf8')) as { version: string })
	.version;

function files(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
	);
}

describe.skipIf(!built)('the built bundle (dist/)', () => {
	const all = built ? files(dist) : [];
	const js = all.filter((f) => /\.(m?js)$/.test(f) && !f.includes(`${path.sep}${ORT_ASSET_DIR}${path.sep}`));

	it('holds one onnxruntime-web, the project version, with the wasm and webgpu entry builds at most once each', () => {
		const versions = new Map<string, string[]>();
		for (const f of js) {
			for (const m of readFileSync(f, 'utf8').matchAll(/ONNX Runtime Web v([\w.-]+)/g)) {
				versions.set(m[1]!, [...(versions.get(m[1]!) ?? []), path.relative(dist, f)]);
			}
		}
		expect([...versions.keys()]).toEqual([ortVersion]);
		const chunks = versions.get(ortVersion)!;
		const kinds = chunks.map((c) => path.basename(c).replace(/-[\w-]+\.js$/, ''));
		// Only the per-backend "extern wasm" builds; never the all-in-one or bundled-wasm ones.
		for (const k of kinds) expect(['ort.wasm.min', 'ort.webgpu.min']).toContain(k);
		expect(new Set(kinds).size).toBe(kinds.length);
		const sizes = Object.fromEntries(chunks.map((c) => [c, statSync(path.join(dist, c)).size]));
		console.log('ORT JS chunks (bytes):', sizes);
	});

	it('serves the runtime binaries from ort/ and nowhere else', () => {
		for (const f of ORT_ASSET_FILES) {
			const copied = path.join(dist, ORT_ASSET_DIR, f);
			expect(existsSync(copied), f).toBe(true);
			expect(statSync(copied).size).toBe(statSync(path.join(ortDist, f)).size);
		}
		const wasm = all.filter((f) => f.endsWith('.wasm')).map((f) => path.relative(dist, f));
		expect(wasm.sort()).toEqual(
			ORT_ASSET_FILES.filter((f) => f.endsWith('.wasm'))
				.map((f) => path.join(ORT_ASSET_DIR, f))
				.sort(),
		);
		const size = (f: string) => statSync(path.join(dist, ORT_ASSET_DIR, f)).size;
		const wasmBuild = size('ort-wasm-simd-threaded.wasm') + size('ort-wasm-simd-threaded.mjs');
		const webgpuBuild = size('ort-wasm-simd-threaded.asyncify.wasm') + size('ort-wasm-simd-threaded.asyncify.mjs');
		console.log(
			`ORT runtime download: WASM build ${(wasmBuild / 1e6).toFixed(1)} MB, WebGPU build ${(webgpuBuild / 1e6).toFixed(1)} MB`,
		);
		expect(wasmBuild).toBeLessThan(webgpuBuild * 0.6);
	});

	it('serves each binary zstd-packed too, under the name the loader asks for, unpacking to the same bytes', async () => {
		expect(ORT_PACKED_FILES.sort()).toEqual(
			Object.values(ORT_FILES)
				.map((f) => f.packed)
				.sort(),
		);
		const unpack = await binaryUnpacker();
		for (const f of ORT_PACKED_FILES) {
			const packed = readFileSync(path.join(dist, ORT_ASSET_DIR, f));
			const original = readFileSync(path.join(ortDist, f.slice(0, -PACKED_SUFFIX.length)));
			expect(Buffer.compare(unpack(packed), original), f).toBe(0);
			// What a gzip-only host would send for the plain binary.
			const gzipped = gzipSync(original, { level: 9 }).byteLength;
			console.log(`${f}: ${(packed.byteLength / 1e6).toFixed(2)} MB packed, ${(gzipped / 1e6).toFixed(2)} MB gzip`);
			expect(packed.byteLength).toBeLessThan(gzipped * 0.8);
		}
	});

	it('keeps transformers.js out of the browser bundle', () => {
		for (const f of js)
			expect(/AutoModelForCausalLM|PreTrainedTokenizer/.test(readFileSync(f, 'utf8')), path.relative(dist, f)).toBe(
				false,
			);
	});
});
