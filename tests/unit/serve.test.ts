import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createStaticServer, normaliseBase } from '../support/serve.mjs';

let dir: string;
const servers: Server[] = [];

async function start(options: { base?: string; crossOriginIsolation?: boolean }): Promise<string> {
	const server = createStaticServer({ dir, ...options });
	servers.push(server);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'serve-test-'));
	mkdirSync(join(dir, 'lessons', 'x'), { recursive: true });
	writeFileSync(join(dir, 'index.html'), '<h1>home</h1>');
	writeFileSync(join(dir, '404.html'), '<h1>404</h1>');
	writeFileSync(join(dir, 'lessons', 'x', 'index.html'), '<h1>x</h1>');
	writeFileSync(join(dir, 'lessons', 'x.md'), '# “x”');
	writeFileSync(join(dir, 'ort.wasm'), new Uint8Array([0, 97, 115, 109]));
	writeFileSync(join(dir, 'worker.mjs'), 'export {};');
});

afterAll(() => {
	for (const server of servers) server.close();
	rmSync(dir, { recursive: true, force: true });
});

describe('normaliseBase', () => {
	it.each([
		['/', '/'],
		['', '/'],
		['/repo', '/repo/'],
		['repo/', '/repo/'],
		['/a/b/', '/a/b/'],
	])('%j → %j', (input, expected) => expect(normaliseBase(input)).toBe(expected));
});

describe('static server', () => {
	it('serves .wasm as application/wasm and .mjs as text/javascript', async () => {
		const origin = await start({});
		expect((await fetch(`${origin}/ort.wasm`)).headers.get('content-type')).toBe('application/wasm');
		expect((await fetch(`${origin}/worker.mjs`)).headers.get('content-type')).toMatch(/^text\/javascript/);
	});

	it('serves Markdown as UTF-8', async () => {
		const origin = await start({});
		const response = await fetch(`${origin}/lessons/x.md`);
		expect(response.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
		expect(await response.text()).toBe('# “x”');
	});

	it('serves directories under the base path, and the 404 page with status 404 elsewhere', async () => {
		const origin = await start({ base: '/repo/' });
		expect(await (await fetch(`${origin}/repo/lessons/x/`)).text()).toBe('<h1>x</h1>');
		const outside = await fetch(`${origin}/lessons/x/`);
		expect(outside.status).toBe(404);
		expect(await outside.text()).toBe('<h1>404</h1>');
		expect((await fetch(`${origin}/repo/missing/`)).status).toBe(404);
		const bare = await fetch(`${origin}/repo`, { redirect: 'manual' });
		expect(bare.status).toBe(301);
		expect(bare.headers.get('location')).toBe('/repo/');
	});

	it('sends COOP/COEP only when asked to', async () => {
		const plain = await fetch(`${await start({})}/`);
		expect(plain.headers.get('cross-origin-opener-policy')).toBeNull();
		const isolated = await start({ crossOriginIsolation: true });
		for (const path of ['/', '/ort.wasm', '/missing']) {
			const response = await fetch(`${isolated}${path}`);
			expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
			expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
		}
	});
});
