#!/usr/bin/env node
// `npm test`: every suite, in one command, with one summary.
//
//   1. check that every file is formatted as Prettier would write it (`npm run format` fixes it);
//   2. make sure a Chromium exists (find it, or install one) and say which;
//   3. build the site as the end-to-end tests expect it (under a base path, like GitHub Pages),
//      then type-check the project (`tsc --noEmit`, after the build has generated Astro's types);
//   4. run Vitest (tests/**/*.test.ts) and Playwright (tests/e2e/**/*.spec.ts);
//   5. print a per-suite summary and, last, exactly one line: `N passed, N failed`.
//
// Exits non-zero if anything failed. Machine-readable results land in test-results/.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { ensureChromium } from './support/chromium.mjs';

const resultsDir = 'test-results';
// The packages' CLI entry points (their `bin` files), run with this Node rather than via a shell.
const bin = {
	astro: 'node_modules/astro/bin/astro.mjs',
	vitest: 'node_modules/vitest/vitest.mjs',
	playwright: 'node_modules/@playwright/test/cli.js',
	prettier: 'node_modules/prettier/bin/prettier.cjs',
	tsc: 'node_modules/typescript/bin/tsc',
};

/** A port nobody is using, so parallel runs (and other engineers' servers) do not collide. */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
			server.close(() => resolve(port));
		});
	});
}

/** Runs a Node script with this same Node (24 under npm), streaming its output. */
function node(script, args, env) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
		child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
		child.on('error', () => resolve(1));
	});
}

/** Like node(), but also hands back what the script printed, for a summary note. */
function nodeCapturing(script, args) {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', (chunk) => {
			output += chunk;
			process.stdout.write(chunk);
		});
		child.stderr.on('data', (chunk) => {
			output += chunk;
			process.stderr.write(chunk);
		});
		child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
		child.on('error', () => resolve({ code: 1, output }));
	});
}

function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return undefined;
	}
}

const heading = (text) => console.log(`\n=== ${text} ===\n`);
/** @type {{ name: string, passed: number, failed: number, note?: string }[]} */
const suites = [];

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

heading('Format (prettier --check .)');
const format = await nodeCapturing(bin.prettier, ['--check', '.']);
if (format.code === 0) {
	suites.push({ name: 'format', passed: 1, failed: 0 });
} else {
	// Prettier exits 1 when files need formatting and 2 when it could not run at all.
	const unformatted = format.output.match(/^\[warn\] (?!Code style issues)/gm)?.length ?? 0;
	const note = format.code === 1 ? `${unformatted} file(s) to format: npm run format` : `exit code ${format.code}`;
	suites.push({ name: 'format', passed: 0, failed: 1, note });
}

heading('Chromium');
let chromiumPath;
try {
	chromiumPath = await ensureChromium();
} catch (error) {
	console.error(String(error instanceof Error ? error.message : error));
}

const port = await freePort();
const env = {
	CHROMIUM_PATH: chromiumPath ?? '',
	TEST_PORT: String(port),
	// A base path, as on GitHub Pages project sites, so the tests prove nothing assumes `/`.
	BASE_PATH: process.env.TEST_BASE_PATH ?? '/token-by-token/',
	SITE: `http://127.0.0.1:${port}`,
	ASTRO_TELEMETRY_DISABLED: '1',
};

heading(`Build (astro build, SITE=${env.SITE} BASE_PATH=${env.BASE_PATH})`);
const buildCode = await node(bin.astro, ['build'], env);
suites.push({ name: 'build', passed: buildCode === 0 ? 1 : 0, failed: buildCode === 0 ? 0 : 1 });

// After the build, which generates Astro's types (`.astro/`, e.g. the `astro:content` module).
heading('Types (tsc --noEmit)');
const types = await node(bin.tsc, ['--noEmit', '-p', '.']);
suites.push({ name: 'types', passed: types === 0 ? 1 : 0, failed: types === 0 ? 0 : 1 });

heading('Vitest (tests/**/*.test.ts)');
const vitestJson = `${resultsDir}/vitest.json`;
const vitestCode = await node(
	bin.vitest,
	['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
	env,
);
const vitest = readJson(vitestJson);
if (vitest) {
	const failed = vitest.numFailedTests + (vitest.numFailedTestSuites ?? 0) - countSuitesWithFailedTests(vitest);
	suites.push({ name: 'vitest', passed: vitest.numPassedTests, failed: Math.max(failed, vitestCode === 0 ? 0 : 1) });
} else {
	suites.push({ name: 'vitest', passed: 0, failed: 1, note: `no report (exit code ${vitestCode})` });
}

/** Files that failed to load count as failures; files whose tests failed are already counted. */
function countSuitesWithFailedTests(report) {
	return (report.testResults ?? []).filter(
		(file) => file.status === 'failed' && (file.assertionResults ?? []).some((t) => t.status === 'failed'),
	).length;
}

heading('Playwright (tests/e2e/**/*.spec.ts, Chromium, built site)');
if (buildCode !== 0 || !chromiumPath) {
	const why = buildCode !== 0 ? 'the build failed' : 'no Chromium';
	console.log(`Skipped: ${why}.`);
	suites.push({ name: 'playwright', passed: 0, failed: 1, note: `not run: ${why}` });
} else {
	const playwrightJson = `${resultsDir}/playwright.json`;
	const playwrightCode = await node(bin.playwright, ['test', '--reporter=list,json'], {
		...env,
		PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightJson,
	});
	const report = readJson(playwrightJson);
	if (report?.stats) {
		const { expected = 0, unexpected = 0, flaky = 0 } = report.stats;
		const loadErrors = report.errors?.length ?? 0;
		const failed = unexpected + flaky + loadErrors;
		suites.push({ name: 'playwright', passed: expected, failed: Math.max(failed, playwrightCode === 0 ? 0 : 1) });
	} else {
		suites.push({ name: 'playwright', passed: 0, failed: 1, note: `no report (exit code ${playwrightCode})` });
	}
}

heading('Summary');
for (const suite of suites) {
	console.log(
		`${suite.name.padEnd(12)} ${suite.passed} passed, ${suite.failed} failed${suite.note ? ` (${suite.note})` : ''}`,
	);
}
const passed = suites.reduce((sum, suite) => sum + suite.passed, 0);
const failed = suites.reduce((sum, suite) => sum + suite.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
