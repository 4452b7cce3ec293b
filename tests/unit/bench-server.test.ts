// The bench's static server (bench/lib/server.mjs): it must send the site as the chosen host would,
// since Lighthouse and the byte counts measure what it sends.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../bench/lib/server.mjs';

const html = `<!doctype html><title>t</title>${'<p>a lesson paragraph</p>'.repeat(200)}`;
const model = Buffer.from(Array.from({ length: 8192 }, (_, i) => i % 7));
let dir: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'bench-server-'));
	mkdirSync(join(dir, 'lesson'));
	writeFileSync(join(dir, 'lesson', 'index.html'), html);
	writeFileSync(join(dir, 'model.onnx'), model);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A raw GET (fetch would decode the body and hide the encoding). */
function get(origin: string, path: string, acceptEncoding: string) {
	return new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
		request(`${origin}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
		})
			.on('error', reject)
			.end();
	});
}

describe('bench server encodings', () => {
	it('gzip (the default): HTML gzipped, even when the browser also offers br and zstd; binaries as they are; bytes counted as sent', async () => {
		const server = await startServer({ dir });
		try {
			const page = await get(server.origin, '/lesson/', 'gzip, deflate, br, zstd');
			expect(page.encoding).toBe('gzip');
			expect(gunzipSync(page.body).toString()).toBe(html);
			const bin = await get(server.origin, '/model.onnx', 'gzip, deflate, br, zstd');
			expect(bin.encoding).toBeUndefined();
			expect(bin.body.equals(model)).toBe(true);
			const noGzip = await get(server.origin, '/lesson/', 'br');
			expect(noGzip.encoding).toBeUndefined();
			await new Promise((r) => setTimeout(r, 50));
			const logged = server.log.find((e: { path: string }) => e.path === '/lesson/');
			expect(logged).toMatchObject({ encoding: 'gzip', bytes: page.body.length });
			expect(logged.bytes).toBeLessThan(html.length / 4);
		} finally {
			await server.close();
		}
	});

	it('identity: nothing compressed', async () => {
		const server = await startServer({ dir, encoding: 'identity' });
		try {
			const page = await get(server.origin, '/lesson/', 'gzip, deflate, br, zstd');
			expect(page.encoding).toBeUndefined();
			expect(page.body.toString()).toBe(html);
		} finally {
			await server.close();
		}
	});
});
