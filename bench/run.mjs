#!/usr/bin/env node
// `npm run bench`: builds the site (with one bench-only page), serves it, drives headless Chromium,
// prints a table and writes bench/results/latest.json. See bench/README.md.
//
//   npm run bench                              everything (≈ 5–8 min on a loaded 2-core machine)
//   npm run bench -- --skip-build              reuse bench/.dist
//   npm run bench -- --rounds 16 --preset desktop --skip-lighthouse
//   npm run bench -- --skip-build --only lighthouse   (sections: weight,cold,tokens,scaling,latency,lighthouse)
//   npm run bench -- --only scaling                   (per-pass time by position; batched B=8 over B=1)
//   npm run bench -- --only latency                   (lesson 3: the prediction's error at N = 64 and 128)
//   npm run bench -- --only cold --cold-runs 5        (cold starts, median reported)
//   npm run bench -- --encoding identity       serve nothing compressed (default gzip, as GitHub Pages)
//   BENCH_PRECOMPRESS=1 npm run bench          build with the proposed .br/.gz precompression and serve it
//
// Targets are reported, never asserted: the exit code is 0 unless the bench itself failed.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromiumArgs, ensureChromium } from '../tests/support/chromium.mjs';
import { ENCODINGS, startServer } from './lib/server.mjs';
import { floorModel, matmulWeights } from './lib/floor-model.mjs';
import { measureScaling, scalingLines, scalingTargetRows } from './lib/scaling.mjs';
import { latencyLines, latencyTargetRows, measureLatency } from './lib/latency.mjs';
import {
	TARGETS,
	classify,
	cpuMultiplierFor,
	formatTable,
	gzipSize,
	isRuntimeAsset,
	kb,
	mb,
	median,
	meets,
	pairedRatio,
	metLabel,
	ms,
	quartiles,
	ratio,
	summarizeWeight,
} from './lib/report.mjs';

const { values: opt } = parseArgs({
	options: {
		'skip-build': { type: 'boolean', default: false },
		'skip-lighthouse': { type: 'boolean', default: false },
		// A multiple of the contestant count, so the rotation puts each one in each position equally often.
		rounds: { type: 'string', default: '24' },
		// Cold starts, each in a fresh context; the median one is reported (one sample is at the mercy of other load).
		'cold-runs': { type: 'string', default: '3' },
		tokens: { type: 'string', default: '64' },
		preset: { type: 'string', default: 'mobile' },
		// Lighthouse CPU slowdown: 'auto' calibrates it from the host's BenchmarkIndex; a number forces it.
		'lighthouse-cpu': { type: 'string', default: 'auto' },
		// Rounds of the scaling section (naive/cached runs to position 200; B = 1/B = 8 batches).
		'scaling-rounds': { type: 'string', default: '6' },
		'batch-tokens': { type: 'string', default: '32' },
		// Rounds of the latency section (lesson 3: N = 8 … 128, a line through the short runs predicts the long ones).
		'latency-rounds': { type: 'string', default: '11' },
		only: { type: 'string', default: 'weight,cold,tokens,scaling,latency,lighthouse' },
		// Serve with COOP/COEP, as a host that sets them would: ORT then runs on several threads.
		'cross-origin-isolated': { type: 'boolean', default: false },
		// How the server encodes responses (lib/server.mjs): gzip as GitHub Pages, identity, or the
		// precompressed files of a BENCH_PRECOMPRESS=1 build.
		encoding: { type: 'string', default: process.env.BENCH_PRECOMPRESS === '1' ? 'precompressed' : 'gzip' },
		out: { type: 'string', default: 'bench/results/latest.json' },
	},
});

if (!(/** @type {readonly string[]} */ (ENCODINGS).includes(opt.encoding)))
	throw new Error(`--encoding ${opt.encoding}: expected one of ${ENCODINGS.join(', ')}`);
if (opt.encoding === 'precompressed' && process.env.BENCH_PRECOMPRESS !== '1')
	throw new Error('--encoding precompressed serves the files of a precompressed build: set BENCH_PRECOMPRESS=1');
const ENCODING = /** @type {typeof ENCODINGS[number]} */ (opt.encoding);

const DIST = 'bench/.dist';
const STAMP = path.join(DIST, '.bench-build.json');
/** Inputs of the bench build: when none changed since the last bench build, it is reused. */
const BUILD_INPUTS = [
	'src',
	'public',
	'bench/page',
	'bench/astro.config.mjs',
	'bench/precompress.mjs',
	'astro.config.mjs',
	'package-lock.json',
];
/** The lesson the cold start and the widget contestant use. */
const LESSON = '/lessons/the-autoregressive-loop/';
const LANDING = '/';
const BENCH_PAGE = '/dev/bench/';
/** Tried in order; the first whose greedy continuation has no EOS within the token count wins. */
const PROMPTS = [
	'And God said,',
	'In the beginning God created the heaven and the earth. And the earth was',
	'And it came to pass',
];
// 10 and 200: the positions of lesson 2's scaling entry (section 5).
const SWEEP_LENGTHS = [10, 16, 64, 128, 200, 256];
const ROUNDS = Math.max(1, Number(opt.rounds));
const MAX_TOKENS = Math.max(8, Math.min(200, Number(opt.tokens)));
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
const say = (/** @type {string} */ s) => console.log(`[bench ${elapsed()}] ${s}`);

/** Machine facts, at start and end (the load average matters on a shared machine). */
function machine() {
	const cpus = os.cpus();
	return {
		cpus: cpus.length,
		cpuModel: cpus[0]?.model ?? 'unknown',
		memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
		loadavg: os.loadavg().map((x) => +x.toFixed(2)),
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
	};
}

function run(cmd, args, env = {}) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('close', (code) => resolve({ code: code ?? 1, out }));
	});
}

function newestMtime(p) {
	if (!existsSync(p)) return 0;
	const st = statSync(p);
	if (!st.isDirectory()) return st.mtimeMs;
	let newest = st.mtimeMs;
	for (const e of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, e)));
	return newest;
}

function buildIsFresh() {
	if (!existsSync(STAMP)) return false;
	try {
		const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
		if (Boolean(stamp.precompressed) !== (process.env.BENCH_PRECOMPRESS === '1')) return false;
	} catch {
		return false;
	}
	const built = statSync(STAMP).mtimeMs;
	return BUILD_INPUTS.every((p) => newestMtime(p) < built);
}

/** HEAD, plus "+changes" when the work tree differs from it (in a linked worktree .git is a file, so ask git). */
function gitCommit() {
	const git = (/** @type {string[]} */ args) => spawnSync('git', args, { encoding: 'utf8' });
	const head = git(['rev-parse', '--short=12', 'HEAD']);
	if (head.status !== 0) return 'unknown';
	const dirty = git(['status', '--porcelain', '--untracked-files=no']).stdout.trim() !== '';
	return `${head.stdout.trim()}${dirty ? '+changes' : ''}`;
}

/** The floor contestant's graph (bench/lib/floor-model.mjs), written next to the bench page. */
function writeFloor() {
	const file = 'public/models/kjv-gpt-2m/onnx/model_quantized.onnx';
	const f = floorModel(matmulWeights(readFileSync(file)));
	const dir = path.join(DIST, BENCH_PAGE);
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'floor.onnx'), f.bytes);
	const facts = { inputs: f.inputs, outputs: f.outputs, multiplyAdds: f.multiplyAdds, matmuls: f.matmuls, model: file };
	writeFileSync(path.join(dir, 'floor.json'), JSON.stringify(facts));
	return facts;
}

/** Every lesson page in the build, as URL paths. */
function lessonPaths() {
	const dir = path.join(DIST, 'lessons');
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((d) => existsSync(path.join(dir, d, 'index.html')))
		.sort()
		.map((d) => `/lessons/${d}/`);
}

// ---- byte accounting from the files the server sent ---------------------------------------

/** URL path → file in the build output. */
function fileFor(urlPath) {
	let p = decodeURIComponent(urlPath);
	if (p.endsWith('/')) p += 'index.html';
	return path.join(DIST, p);
}

const gzCache = new Map();
/** Raw and gzip (level 9) size of what a URL path serves. */
function sizesOf(urlPath) {
	const f = fileFor(urlPath);
	if (!existsSync(f) || !statSync(f).isFile()) return { raw: 0, gzip: 0 };
	const key = `${f}:${statSync(f).mtimeMs}`;
	if (!gzCache.has(key)) {
		const buf = readFileSync(f);
		gzCache.set(key, { raw: buf.length, gzip: gzipSize(buf) });
	}
	return gzCache.get(key);
}

/** A fresh context (empty cache) with timeouts for a heavily loaded machine. */
async function newContext(browser) {
	const context = await browser.newContext();
	context.setDefaultNavigationTimeout(180_000);
	context.setDefaultTimeout(180_000);
	return context;
}

/** The bench page in a fresh context, once its API (`window.__bench`) is installed. */
async function openBenchPage(browser, server) {
	const context = await newContext(browser);
	const page = await context.newPage();
	await page.goto(server.origin + BENCH_PAGE, { waitUntil: 'load' });
	await page.waitForFunction(() => 'window' in globalThis && '__bench' in window, null, { timeout: 180_000 });
	return { context, page };
}

// ---- 1. page weight ------------------------------------------------------------------------

async function pageWeight(browser, server, url) {
	say(`page weight: ${url}, no interaction`);
	const context = await newContext(browser);
	const page = await context.newPage();
	const from = server.log.length;
	await page.goto(server.origin + url, { waitUntil: 'load' });
	await quiet(server, 1500);
	const entries = server.log.slice(from).filter((e) => e.status < 400);
	// Nothing of the runtime may be in any script the page ran either (not only in file names).
	const jsTexts = entries
		.filter((e) => classify(e.path) === 'js')
		.map((e) => ({ path: e.path, text: readFileSync(fileFor(e.path), 'utf8') }));
	const ortInScripts = jsTexts.filter((j) => /InferenceSession|onnxruntime|ort-wasm/.test(j.text)).map((j) => j.path);
	const requests = entries.map((e) => ({
		path: e.path,
		kind: classify(e.path),
		servedAs: e.encoding,
		wire: e.bytes,
		...sizesOf(e.path),
	}));
	await context.close();
	const summary = summarizeWeight(requests);
	return { url, requests, ...summary, ortInScripts };
}

/** Waits until the server has seen no request for `ms` milliseconds. */
async function quiet(server, ms) {
	let n = -1;
	let since = Date.now();
	for (;;) {
		await new Promise((r) => setTimeout(r, 100));
		if (server.log.length !== n) {
			n = server.log.length;
			since = Date.now();
		} else if (Date.now() - since >= ms) return;
	}
}

// ---- 2. cold start -------------------------------------------------------------------------

/** Records every message the runtime worker sends the page, with its page time. */
const WORKER_TAP = `(() => {
	const log = (window.__rtlog = []);
	const Orig = window.Worker;
	window.Worker = class extends Orig {
		constructor(url, opts) {
			super(url, opts);
			log.push({ t: performance.now(), type: 'worker-created' });
			this.addEventListener('message', (e) => {
				const d = e.data || {};
				const t = performance.now();
				if (d.type === 'events') {
					for (const ev of d.events) {
						const rec = { t, type: 'event', step: ev.step, iteration: ev.iteration };
						if (ev.step === 'forward') { rec.ms = ev.ms; rec.inputLength = ev.inputLength; }
						if (ev.step === 'done') rec.stats = ev.stats;
						log.push(rec);
					}
					return;
				}
				const rec = { t, type: d.type };
				if (d.type === 'loaded') rec.info = d.info;
				if (d.type === 'progress') rec.file = d.progress.file;
				log.push(rec);
			});
		}
	};
})();`;

async function coldStart(browser, server) {
	say('cold start: fresh context, lesson 1, Run (real time) to the first token');
	const context = await newContext(browser);
	const page = await context.newPage();
	await page.addInitScript(WORKER_TAP);
	await page.goto(server.origin + LESSON, { waitUntil: 'load' });
	await quiet(server, 1000);
	const from = server.log.length;
	const result = await page.evaluate(async () => {
		const root = /** @type {HTMLElement} */ (document.querySelector('[data-runnable]'));
		const speed = /** @type {HTMLInputElement} */ (root.querySelector('[data-rc="speed"][value="realtime"]'));
		if (!speed.checked) speed.click();
		const chips = /** @type {HTMLElement} */ (root.querySelector('[data-rc="chips"]'));
		const states = [];
		let firstTokenPainted = NaN;
		const stateObs = new MutationObserver(() => states.push({ t: performance.now(), state: root.dataset.state }));
		stateObs.observe(root, { attributes: true, attributeFilter: ['data-state'] });
		const chipObs = new MutationObserver(() => {
			if (Number.isNaN(firstTokenPainted) && chips.querySelector('.rc-chip--gen'))
				firstTokenPainted = performance.now();
		});
		chipObs.observe(chips, { childList: true, subtree: true });
		const settings = {
			prompt: /** @type {HTMLTextAreaElement} */ (root.querySelector('[data-rc="prompt"]')).value,
			maxNewTokens: Number(/** @type {HTMLInputElement} */ (root.querySelector('[data-rc="max"]')).value),
			mode: /** @type {HTMLInputElement} */ (root.querySelector('[data-rc="mode"]:checked'))?.value,
		};
		const run = /** @type {HTMLButtonElement} */ (root.querySelector('[data-rc="run"]'));
		const t0 = performance.now();
		run.click();
		await new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`stuck in ${root.dataset.state}`)), 180_000);
			const check = () => {
				if (root.dataset.state === 'done' || root.dataset.state === 'error') {
					clearTimeout(timer);
					resolve(undefined);
				} else setTimeout(check, 20);
			};
			check();
		});
		stateObs.disconnect();
		chipObs.disconnect();
		// @ts-ignore set by the init script
		const rtlog = window.__rtlog;
		return {
			t0,
			timeOrigin: performance.timeOrigin,
			states,
			firstTokenPainted,
			rtlog,
			settings,
			finalState: root.dataset.state,
		};
	});
	await context.close();
	if (result.finalState !== 'done') throw new Error('cold start: the widget ended in state error');

	const clickEpoch = result.timeOrigin + result.t0;
	const rel = (/** @type {number} */ pageT) => pageT - result.t0;
	const entries = server.log.slice(from).filter((e) => e.status < 400);
	const group = (/** @type {string} */ p) =>
		classify(p) === 'wasm'
			? 'ort-wasm'
			: p.startsWith('/ort/') || /\/ort\.[^/]*\.js$/.test(p)
				? 'ort-js'
				: p.endsWith('.onnx')
					? 'model'
					: p.startsWith('/models/')
						? 'tokenizer+config'
						: classify(p) === 'js'
							? 'runtime-js'
							: 'other';
	/** @type {Record<string, { files: string[], start: number, end: number, raw: number, gzip: number, wire: number }>} */
	const groups = {};
	const firstTokenEpoch = clickEpoch + rel(result.firstTokenPainted);
	let beforeFirst = { raw: 0, gzip: 0, wire: 0, requests: 0 };
	for (const e of entries) {
		const g = (groups[group(e.path)] ??= { files: [], start: Infinity, end: -Infinity, raw: 0, gzip: 0, wire: 0 });
		const s = sizesOf(e.path);
		g.files.push(e.path);
		g.start = Math.min(g.start, e.start - clickEpoch);
		g.end = Math.max(g.end, e.end - clickEpoch);
		g.raw += s.raw;
		g.gzip += s.gzip;
		g.wire += e.bytes;
		if (e.end <= firstTokenEpoch + 5) {
			beforeFirst.raw += s.raw;
			beforeFirst.gzip += s.gzip;
			beforeFirst.wire += e.bytes;
			beforeFirst.requests++;
		}
	}
	const log = result.rtlog;
	const at = (/** @type {(r: any) => boolean} */ f) => {
		const r = log.find(f);
		return r ? rel(r.t) : NaN;
	};
	const loaded = at((r) => r.type === 'loaded');
	const firstForward = log.find((r) => r.step === 'forward' && r.iteration === 0);
	const firstAppend = at((r) => r.step === 'append' && r.iteration === 0);
	const downloadsEnd = Math.max(
		...['ort-wasm', 'ort-js', 'model', 'tokenizer+config', 'runtime-js'].map((g) => groups[g]?.end ?? -Infinity),
	);
	const done = log.find((r) => r.step === 'done');
	return {
		url: LESSON,
		settings: result.settings,
		groups,
		phases: {
			downloadsEndMs: downloadsEnd,
			modelReadyMs: loaded,
			sessionCreateAndWarmupMs: loaded - downloadsEnd,
			firstForwardMs: firstForward?.ms ?? NaN,
			firstForwardInputTokens: firstForward?.inputLength ?? NaN,
			firstTokenMessageMs: firstAppend,
			firstTokenPaintedMs: rel(result.firstTokenPainted),
		},
		bytesBeforeFirstToken: beforeFirst,
		runtimeStats: done?.stats
			? {
					timeToFirstTokenMs: done.stats.timeToFirstTokenMs,
					prefillMs: done.stats.prefillMs,
					newTokens: done.stats.newTokens,
				}
			: null,
		states: result.states.map((s) => ({ state: s.state, ms: rel(s.t) })),
		backend: log.find((r) => r.type === 'loaded')?.info?.backend ?? null,
	};
}

/**
 * onnxruntime-web's own start (page/raw-worker.ts), one fresh context per sample: the part of the
 * cold start after the downloads that no page code can shorten.
 */
async function ortStart(browser, server) {
	say('cold start: onnxruntime-web alone in a fresh worker, bytes in memory');
	const { context, page } = await openBenchPage(browser, server);
	const r = await page.evaluate(() => window.__bench.ortStart());
	await context.close();
	return r;
}

// ---- 3. per-token cost ---------------------------------------------------------------------

async function perToken(browser, server) {
	say('per-token: bench page, loading (a) raw ORT, (b) transformers.js, (c) runtime, (d) widget, (f) MatMul floor');
	const context = await newContext(browser);
	const page = await context.newPage();
	const errors = [];
	page.on('pageerror', (e) => errors.push(String(e)));
	page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
	await page.goto(server.origin + BENCH_PAGE, { waitUntil: 'load' });
	await page.waitForFunction(() => 'window' in globalThis && '__bench' in window, null, { timeout: 180_000 });

	const init = await page.evaluate(() => window.__bench.init());
	// Calibrate: a prompt whose greedy continuation runs N tokens without EOS.
	let prompt = '';
	let n = 0;
	for (const p of PROMPTS) {
		await page.evaluate((p) => window.__bench.setPrompt(p), p);
		const free = await page.evaluate((max) => window.__bench.eosFreeLength(max), MAX_TOKENS);
		if (free > n) {
			n = free;
			prompt = p;
		}
		if (free >= MAX_TOKENS) break;
	}
	const promptIds = await page.evaluate((p) => window.__bench.setPrompt(p), prompt);
	n = Math.max(4, Math.min(n, MAX_TOKENS));
	say(
		`per-token: prompt ${JSON.stringify(prompt)} (${promptIds.length} tokens), ${n} new tokens, ${ROUNDS} rounds + warm-up`,
	);

	/** @type {('a'|'aWorker'|'b'|'bOurs'|'c'|'cPage'|'d'|'floor')[]} */
	const who = ['a', 'aWorker', 'b', 'bOurs', 'c', 'cPage', 'd', 'floor'];
	/** @type {Record<string, number[]>} */
	const perTok = Object.fromEntries(who.map((w) => [w, []]));
	/** @type {Record<string, number[]>} */
	const tokensOut = {};
	for (let round = -1; round < ROUNDS; round++) {
		// Rotate the order every round so no contestant always runs first (or right after GC).
		const order = who.map((_, i) => who[(i + Math.max(0, round)) % who.length]);
		for (const w of order) {
			const r = await page.evaluate(([w, n]) => window.__bench.run(w, n), [w, n]);
			if (round >= 0) perTok[w].push(r.ms / r.tokens);
			tokensOut[w] = r.ids;
		}
	}
	// Profile: where the widget's extra time goes. Chromium's Performance domain gives the page's
	// main-thread CPU (ThreadTime), the whole renderer's CPU incl. the worker (ProcessTime), and
	// style/layout work, as deltas over one run of each contestant (median of 3).
	say('per-token: CPU profile of each contestant');
	const cdp = await context.newCDPSession(page);
	await cdp.send('Performance.enable');
	const metrics = async () =>
		Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
	const profile = {};
	for (const w of who) {
		const samples = [];
		for (let i = 0; i < 3; i++) {
			const m0 = await metrics();
			const r = await page.evaluate(([w, n]) => window.__bench.run(w, n), [w, n]);
			const m1 = await metrics();
			const d = (/** @type {string} */ k) => (m1[k] ?? 0) - (m0[k] ?? 0);
			samples.push({
				wallMsPerToken: r.ms / r.tokens,
				sessionRunMsPerToken: r.runMs === undefined || r.runMs === null ? NaN : r.runMs / r.tokens,
				loopMsPerToken: r.loopMs === undefined || r.loopMs === null ? NaN : r.loopMs / r.tokens,
				workerMessagesPerToken:
					r.messagesFromWorker === undefined ? NaN : (r.messagesFromWorker + r.messagesToWorker) / r.tokens,
				mainThreadCpuMsPerToken: (d('ThreadTime') * 1000) / r.tokens,
				rendererCpuMsPerToken: (d('ProcessTime') * 1000) / r.tokens,
				mainTaskMsPerToken: (d('TaskDuration') * 1000) / r.tokens,
				scriptMsPerToken: (d('ScriptDuration') * 1000) / r.tokens,
				styleLayoutMsPerToken: ((d('RecalcStyleDuration') + d('LayoutDuration')) * 1000) / r.tokens,
				layoutsPerToken: d('LayoutCount') / r.tokens,
				styleRecalcsPerToken: d('RecalcStyleCount') / r.tokens,
			});
		}
		profile[w] = Object.fromEntries(
			Object.keys(samples[0]).map((k) => [k, +median(samples.map((x) => x[k])).toFixed(3)]),
		);
		// Share of the wall time the model itself was computing: the rest is loop, messages, UI, waiting.
		profile[w].modelBusyShare = +(profile[w].sessionRunMsPerToken / profile[w].wallMsPerToken).toFixed(3);
	}
	await cdp.detach();

	say('per-token: naive vs cached step sweep');
	const sweep = await page.evaluate(([lengths, reps]) => window.__bench.stepCost(lengths, reps), [SWEEP_LENGTHS, 9]);
	await context.close();

	const stats = Object.fromEntries(
		who.map((w) => {
			const [q1, q3] = quartiles(perTok[w]);
			return [
				w,
				{
					msPerToken: median(perTok[w]),
					minMsPerToken: Math.min(...perTok[w]),
					q1,
					q3,
					samples: perTok[w].map((x) => +x.toFixed(3)),
					tokens: tokensOut[w]?.length ?? 0,
				},
			];
		}),
	);
	const ref = JSON.stringify(tokensOut.a);
	// The floor makes no tokens: null, not "no".
	const sameTokens = Object.fromEntries(
		who.map((w) => [w, w === 'floor' ? null : JSON.stringify(tokensOut[w]) === ref]),
	);
	// Which backend each figure is from: the bench page forces WASM for everything it creates; (c)
	// and (d) share the runtime worker, whose backend is what its loader chose.
	const runtimeBackend = /** @type {any} */ (init.backend)?.backend ?? '?';
	const backends = Object.fromEntries(who.map((w) => [w, w === 'c' || w === 'd' ? runtimeBackend : 'wasm']));
	return {
		prompt,
		promptTokens: promptIds.length,
		newTokens: n,
		rounds: ROUNDS,
		backend: init.backend,
		threads: init.threads,
		crossOriginIsolated: init.crossOriginIsolated,
		ortVersion: init.ortVersion,
		transformersVersion: init.tfVersion,
		loadMs: init.loadMs,
		floor: init.floor,
		backends,
		stats,
		sameTokensAsRaw: sameTokens,
		// The targets: per round, each contestant's time over its reference's from the same round (the
		// rounds rotate the order, so a pair is never more than a few seconds apart), then the median
		// over rounds. Load that drifts between rounds cancels out of a paired ratio.
		pairedRatios: {
			cOverA: pairedRatio(perTok.c, perTok.a),
			dOverA: pairedRatio(perTok.d, perTok.a),
			cOverB: pairedRatio(perTok.c, perTok.b),
			cOverBOurs: pairedRatio(perTok.c, perTok.bOurs),
			bOursOverB: pairedRatio(perTok.bOurs, perTok.b),
			cPageOverA: pairedRatio(perTok.cPage, perTok.a),
			dOverC: pairedRatio(perTok.d, perTok.c),
			aWorkerOverA: pairedRatio(perTok.aWorker, perTok.a),
			cOverAWorker: pairedRatio(perTok.c, perTok.aWorker),
			aOverFloor: pairedRatio(perTok.a, perTok.floor),
			cOverFloor: pairedRatio(perTok.c, perTok.floor),
			dOverFloor: pairedRatio(perTok.d, perTok.floor),
		},
		// Ratios of the medians, for comparison.
		ratios: {
			cOverA: ratio(stats.c.msPerToken, stats.a.msPerToken),
			dOverA: ratio(stats.d.msPerToken, stats.a.msPerToken),
			cOverB: ratio(stats.c.msPerToken, stats.b.msPerToken),
			cPageOverA: ratio(stats.cPage.msPerToken, stats.a.msPerToken),
			dOverC: ratio(stats.d.msPerToken, stats.c.msPerToken),
		},
		// The same ratios from the fastest round of each (least disturbed by other load), and from
		// renderer CPU time per token (page + worker + compositor), which other load inflates least.
		ratiosOfMin: {
			cOverA: ratio(stats.c.minMsPerToken, stats.a.minMsPerToken),
			dOverA: ratio(stats.d.minMsPerToken, stats.a.minMsPerToken),
			cOverB: ratio(stats.c.minMsPerToken, stats.b.minMsPerToken),
			dOverC: ratio(stats.d.minMsPerToken, stats.c.minMsPerToken),
		},
		ratiosOfCpu: {
			cOverA: ratio(profile.c.rendererCpuMsPerToken, profile.a.rendererCpuMsPerToken),
			dOverA: ratio(profile.d.rendererCpuMsPerToken, profile.a.rendererCpuMsPerToken),
			cOverB: ratio(profile.c.rendererCpuMsPerToken, profile.b.rendererCpuMsPerToken),
			dOverC: ratio(profile.d.rendererCpuMsPerToken, profile.c.rendererCpuMsPerToken),
		},
		profile,
		sweep,
		pageErrors: errors.slice(0, 10),
	};
}

// ---- 5. scaling (bench/lib/scaling.mjs) ---------------------------------------------------

async function scaling(browser, server) {
	say('scaling: bench page, the runtime worker alone');
	const { context, page } = await openBenchPage(browser, server);
	try {
		return await measureScaling({
			page,
			rounds: Math.max(1, Number(opt['scaling-rounds'])),
			batchTokens: Math.max(2, Math.min(200, Number(opt['batch-tokens']))),
			say,
		});
	} finally {
		await context.close();
	}
}

// ---- 6. latency (bench/lib/latency.mjs) ---------------------------------------------------

async function latency(browser, server) {
	say('latency: bench page, the runtime worker alone');
	const { context, page } = await openBenchPage(browser, server);
	try {
		return await measureLatency({ page, rounds: Math.max(1, Number(opt['latency-rounds'])), say });
	} finally {
		await context.close();
	}
}

// ---- 4. Lighthouse -------------------------------------------------------------------------

async function lighthouseScores(chromePath, server, preset, cpuMultiplier) {
	const { default: lighthouse, desktopConfig } = await import('lighthouse');
	const { throttling, screenEmulationMetrics } = await import('lighthouse/core/config/constants.js');
	const chromeLauncher = await import('chrome-launcher');
	const config =
		preset === 'desktop'
			? {
					...desktopConfig,
					settings: {
						...desktopConfig.settings,
						throttling: { ...throttling.desktopDense4G, cpuSlowdownMultiplier: cpuMultiplier },
					},
				}
			: {
					extends: 'lighthouse:default',
					settings: {
						formFactor: 'mobile',
						screenEmulation: screenEmulationMetrics.mobile,
						throttling: { ...throttling.mobileSlow4G, cpuSlowdownMultiplier: cpuMultiplier },
					},
				};
	const out = [];
	for (const [name, url] of [['landing', LANDING], ...lessonPaths().map((p) => [p.split('/').at(-2), p])]) {
		say(`lighthouse (${preset}, CPU ${cpuMultiplier}×): ${name}`);
		const chrome = await chromeLauncher.launch({ chromePath, chromeFlags: [...chromiumArgs, '--headless=new'] });
		try {
			const r = await lighthouse(
				server.origin + url,
				{ port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] },
				config,
			);
			const lhr = r?.lhr;
			const audit = (/** @type {string} */ id) => lhr?.audits[id];
			const num = (/** @type {string} */ id) => audit(id)?.numericValue ?? NaN;
			const items = (/** @type {string} */ id) => /** @type {any[]} */ (audit(id)?.details?.items ?? []);
			out.push({
				page: name,
				url,
				performance: Math.round((lhr?.categories.performance?.score ?? NaN) * 100),
				accessibility: Math.round((lhr?.categories.accessibility?.score ?? NaN) * 100),
				metrics: {
					fcpMs: num('first-contentful-paint'),
					lcpMs: num('largest-contentful-paint'),
					tbtMs: num('total-blocking-time'),
					cls: num('cumulative-layout-shift'),
					speedIndexMs: num('speed-index'),
				},
				// Where the main-thread time goes (for a TBT miss): per script and per kind of work.
				diagnostics: {
					bootup: items('bootup-time')
						.slice(0, 6)
						.map((i) => ({
							url: String(i.url).replace(server.origin, ''),
							totalMs: Math.round(i.total),
							scriptingMs: Math.round(i.scripting),
						})),
					mainThread: items('mainthread-work-breakdown').map((i) => ({
						group: i.groupLabel ?? i.group,
						ms: Math.round(i.duration),
					})),
					longTasks: items('long-tasks').length,
					renderBlocking: items('render-blocking-insight').map((i) => String(i.url).replace(server.origin, '')),
				},
				failedA11yAudits: Object.values(lhr?.audits ?? {})
					.filter((a) => a.score === 0 && lhr.categories.accessibility.auditRefs.some((ref) => ref.id === a.id))
					.map((a) => a.id),
				benchmarkIndex: lhr?.environment?.benchmarkIndex,
				warnings: lhr?.runWarnings ?? [],
			});
		} finally {
			await chrome.kill();
		}
	}
	return out;
}

/** Lighthouse's own CPU benchmark, run in the bench's browser (median of 3). */
async function benchmarkIndex(browser) {
	const { pageFunctions } = await import('lighthouse/core/lib/page-functions.js');
	const page = await browser.newPage();
	const xs = [];
	for (let i = 0; i < 3; i++) xs.push(await page.evaluate(pageFunctions.computeBenchmarkIndex));
	await page.close();
	return Math.round(median(xs));
}

// ---- main ----------------------------------------------------------------------------------

async function main() {
	const machineStart = machine();
	/** @type {Record<string, unknown>} */
	const result0 = {};
	say(`machine: ${machineStart.cpus}× ${machineStart.cpuModel}, load ${machineStart.loadavg.join(' / ')}`);
	const fresh = buildIsFresh();
	if (opt['skip-build'] && existsSync(path.join(DIST, 'index.html'))) say('reusing bench/.dist (--skip-build)');
	else if (fresh) say('reusing bench/.dist: built after every change to src/, public/, bench/page/ and the configs');
	else {
		say('building the site (astro build --config bench/astro.config.mjs → bench/.dist)');
		const b = await run(
			process.execPath,
			['node_modules/astro/bin/astro.mjs', 'build', '--config', 'bench/astro.config.mjs'],
			{
				ASTRO_TELEMETRY_DISABLED: '1',
				BASE_PATH: '/',
				SITE: process.env.SITE ?? 'https://token-by-token.example.com',
			},
		);
		if (b.code !== 0) {
			console.error(b.out.slice(-4000));
			throw new Error('the bench build failed');
		}
		writeFileSync(
			STAMP,
			JSON.stringify({ builtAt: new Date().toISOString(), precompressed: process.env.BENCH_PRECOMPRESS === '1' }),
		);
	}
	result0.buildS = Math.round((Date.now() - started) / 1000);
	writeFloor();
	// As `npm test` does: find one, or install one (Playwright's download, else apt), or say how.
	const chromium = { path: await ensureChromium({ log: say }) };
	const server = await startServer({
		dir: DIST,
		crossOriginIsolated: opt['cross-origin-isolated'],
		encoding: ENCODING,
	});
	const { chromium: pw } = await import('playwright-core');
	const browser = await pw.launch({ executablePath: chromium.path, headless: true, args: chromiumArgs });
	const result = {
		...result0,
		date: new Date().toISOString(),
		commit: gitCommit(),
		chromium: { path: chromium.path, version: browser.version() },
		machineStart,
		model: modelFacts(),
		precompressed: process.env.BENCH_PRECOMPRESS === '1',
		encoding: ENCODING,
		crossOriginIsolated: opt['cross-origin-isolated'],
	};
	const only = new Set(opt.only.split(','));
	try {
		if (only.has('weight')) {
			result.pageWeights = [];
			for (const url of lessonPaths()) result.pageWeights.push(await pageWeight(browser, server, url));
			result.pageWeight = result.pageWeights.find((w) => w.url === LESSON) ?? result.pageWeights[0];
		}
		if (only.has('cold')) {
			const runs = [];
			for (let i = 0; i < Math.max(1, Number(opt['cold-runs'])); i++) runs.push(await coldStart(browser, server));
			const byPaint = [...runs].sort((x, y) => x.phases.firstTokenPaintedMs - y.phases.firstTokenPaintedMs);
			const starts = [];
			for (let i = 0; i < runs.length; i++) starts.push(await ortStart(browser, server));
			const byTotal = [...starts].sort((x, y) => x.sessionMs + x.firstRunMs - (y.sessionMs + y.firstRunMs));
			result.coldStart = {
				...byPaint[(byPaint.length - 1) >> 1],
				firstTokenPaintedRunsMs: runs.map((x) => Math.round(x.phases.firstTokenPaintedMs)),
				ortStart: byTotal[(byTotal.length - 1) >> 1],
				ortStartRunsMs: starts.map((x) => Math.round(x.sessionMs + x.firstRunMs)),
			};
		}
		if (only.has('tokens')) result.perToken = await perToken(browser, server);
		if (only.has('scaling')) result.scaling = await scaling(browser, server);
		if (only.has('latency')) result.latency = await latency(browser, server);
		result.benchmarkIndex = await benchmarkIndex(browser);
	} finally {
		await browser.close();
	}
	if (!opt['skip-lighthouse'] && only.has('lighthouse')) {
		const forced = Number(opt['lighthouse-cpu']);
		const cpu =
			opt['lighthouse-cpu'] === 'auto' || !Number.isFinite(forced) ? cpuMultiplierFor(result.benchmarkIndex) : forced;
		const how =
			opt['lighthouse-cpu'] === 'auto'
				? `calibrated from BenchmarkIndex ${result.benchmarkIndex} (Lighthouse docs/throttling.md; uncalibrated default 4×)`
				: 'forced';
		try {
			result.lighthouse = {
				preset: opt.preset,
				cpuSlowdownMultiplier: cpu,
				cpuCalibration: how,
				scores: await lighthouseScores(chromium.path, server, opt.preset, cpu),
			};
		} catch (err) {
			result.lighthouse = {
				preset: opt.preset,
				cpuSlowdownMultiplier: cpu,
				error: String(err instanceof Error ? err.stack : err),
			};
		}
	}
	await server.close();
	result.machineEnd = machine();
	result.durationS = Math.round((Date.now() - started) / 1000);
	result.targets = targetRows(result);
	mkdirSync(path.dirname(opt.out), { recursive: true });
	writeFileSync(opt.out, JSON.stringify(result, null, 2) + '\n');
	printReport(result);
	say(`wrote ${opt.out}`);
}

function modelFacts() {
	const f = 'public/models/kjv-gpt-2m/onnx/model_quantized.onnx';
	const buf = readFileSync(f);
	return {
		file: f,
		bytes: buf.length,
		sha256: createHash('sha256').update(buf).digest('hex').slice(0, 16),
		mtime: statSync(f).mtime.toISOString(),
	};
}

function targetRows(r) {
	const rt = r.perToken?.pairedRatios;
	const be = r.perToken?.backends ?? {};
	const cs = r.coldStart;
	const lh = r.lighthouse?.scores ?? [];
	const rows = [];
	for (const w of r.pageWeights ?? []) {
		rows.push({
			measure: `JS before interaction (gzip), ${w.url}`,
			value: w.byKind.js?.gzip ?? 0,
			shown: kb(w.byKind.js?.gzip ?? 0),
			target: TARGETS.lessonJsGzip,
		});
		rows.push({
			measure: `ORT/wasm/model bytes before Run, ${w.url}`,
			value: w.runtimeBytes + (w.ortInScripts.length ? 1 : 0),
			shown: `${w.runtimeBytes} B${w.ortInScripts.length ? ` (+ORT code in ${w.ortInScripts.join(', ')})` : ''}`,
			target: TARGETS.runtimeBytesBeforeRun,
		});
	}
	if (cs) {
		const on = `${cs.backend?.backend ?? '?'}`;
		rows.push({
			measure: `Cold start, click to first painted token (${on})`,
			value: cs.phases.firstTokenPaintedMs,
			shown: ms(cs.phases.firstTokenPaintedMs, 0),
			target: TARGETS.coldStartMs,
		});
		if (cs.ortStart)
			rows.push({
				measure: "onnxruntime-web's own start alone (bytes in memory, fresh worker)",
				value: cs.ortStart.sessionMs + cs.ortStart.firstRunMs,
				shown: ms(cs.ortStart.sessionMs + cs.ortStart.firstRunMs, 0),
				target: TARGETS.info,
			});
		rows.push({
			measure: 'Bytes before the first token (gzip)',
			value: cs.bytesBeforeFirstToken.gzip,
			shown: mb(cs.bytesBeforeFirstToken.gzip),
			target: TARGETS.bytesBeforeFirstTokenGzip,
		});
	}
	if (rt) {
		const pair = (/** @type {string} */ x, /** @type {string} */ y) => `${be[x] ?? '?'}/${be[y] ?? '?'}`;
		rows.push({
			measure: `(c)/(b) runtime loop vs transformers.js, its defaults (${pair('c', 'b')})`,
			value: rt.cOverB,
			shown: rt.cOverB.toFixed(3),
			target: TARGETS.cOverB,
		});
		rows.push({
			measure: `(d)/(c) widget real time vs runtime loop (${pair('d', 'c')})`,
			value: rt.dOverC,
			shown: rt.dOverC.toFixed(3),
			target: TARGETS.dOverC,
		});
		rows.push({
			measure: `(c)/(a) runtime loop vs raw ORT, same options (${pair('c', 'a')})`,
			value: rt.cOverA,
			shown: rt.cOverA.toFixed(3),
			target: TARGETS.cOverA,
		});
		rows.push({
			measure: `(c)/(b*) runtime loop vs transformers.js, our options (${pair('c', 'bOurs')})`,
			value: rt.cOverBOurs,
			shown: rt.cOverBOurs.toFixed(3),
			target: TARGETS.info,
		});
		rows.push({
			measure: `(c)/(f) runtime loop over the MatMul floor (${pair('c', 'floor')})`,
			value: rt.cOverFloor,
			shown: rt.cOverFloor.toFixed(3),
			target: TARGETS.info,
		});
		rows.push({
			measure: `(d)/(f) widget over the MatMul floor (${pair('d', 'floor')})`,
			value: rt.dOverFloor,
			shown: rt.dOverFloor.toFixed(3),
			target: TARGETS.info,
		});
	}
	for (const s of lh) {
		rows.push({
			measure: `Lighthouse performance, ${s.page} (${r.lighthouse.preset}, CPU ${r.lighthouse.cpuSlowdownMultiplier}×)`,
			value: s.performance,
			shown: String(s.performance),
			target: TARGETS.lighthousePerformance,
		});
		rows.push({
			measure: `Lighthouse accessibility, ${s.page}`,
			value: s.accessibility,
			shown: String(s.accessibility),
			target: TARGETS.lighthouseAccessibility,
		});
	}
	if (r.scaling) rows.push(...scalingTargetRows(r.scaling));
	if (r.latency) rows.push(...latencyTargetRows(r.latency));
	return rows.map((x) => ({
		measure: x.measure,
		value: x.value,
		shown: x.shown,
		target: x.target.text,
		met: meets(x.value, x.target),
	}));
}

/** @type {Record<string, string>} */
const ENCODING_LABELS = {
	gzip: 'as GitHub Pages serves it (HTML, CSS, JS, JSON, SVG gzipped on the fly; binaries as they are)',
	identity: 'uncompressed (--encoding identity)',
	precompressed: 'from a precompressed build (.br/.gz, brotli first)',
};

function printReport(r) {
	const w = r.pageWeight;
	const c = r.coldStart;
	const p = r.perToken;
	const out = [];
	out.push('', `Token by Token bench, ${r.date}, commit ${r.commit}`);
	out.push(
		`Machine: ${r.machineStart.cpus}× ${r.machineStart.cpuModel}, ${r.machineStart.memGiB} GiB; load average ${r.machineStart.loadavg.join('/')} at start, ${r.machineEnd.loadavg.join('/')} at end (1/5/15 min)`,
	);
	out.push(
		`Browser: headless Chromium ${r.chromium.version}; model ${r.model.file} (${mb(r.model.bytes)}, sha256 ${r.model.sha256}); served ${ENCODING_LABELS[r.encoding] ?? 'uncompressed'}; cross-origin isolated: ${r.crossOriginIsolated ? 'yes' : 'no'}`,
	);

	if (w) {
		out.push(
			'',
			`1. Page weight before any interaction (gzip = level 9, as a compressing host sends it); every lesson: ${(r.pageWeights ?? []).map((x) => `${x.url} JS ${kb(x.byKind.js?.gzip ?? 0)}`).join(', ')}; in detail, ${w.url}:`,
		);
		out.push(
			formatTable(
				['kind', 'requests', 'raw', 'gzip'],
				Object.entries(w.byKind)
					.map(([k, v]) => [k, v.count, kb(v.raw), kb(v.gzip)])
					.concat([['total', w.count, kb(w.total.raw), kb(w.total.gzip)]]),
			),
		);
		out.push(
			'',
			formatTable(
				['request', 'raw', 'gzip', 'served as'],
				w.requests.map((q) => [q.path, kb(q.raw), kb(q.gzip), `${q.servedAs} ${kb(q.wire)}`]),
			),
		);
		out.push(
			`ORT / wasm / model bytes: ${w.runtimeBytes}; scripts containing ORT code: ${w.ortInScripts.length ? w.ortInScripts.join(', ') : 'none'}`,
		);
	}
	if (c) {
		out.push(
			'',
			`2. Cold start: click Run (real time, ${c.settings.mode}, prompt ${JSON.stringify(c.settings.prompt)}) to the first token, fresh cache; backend ${c.backend?.backend ?? '?'}, ${c.backend?.threads ?? '?'} thread(s); the median of ${c.firstTokenPaintedRunsMs?.length ?? 1} fresh contexts (first token painted: ${(c.firstTokenPaintedRunsMs ?? []).join(', ')} ms)`,
		);
		out.push(
			formatTable(
				['download', 'files', 'from click', 'to', 'raw', 'gzip', 'on the wire'],
				Object.entries(c.groups).map(([g, v]) => [
					g,
					v.files.length,
					ms(v.start, 0),
					ms(v.end, 0),
					kb(v.raw),
					kb(v.gzip),
					kb(v.wire),
				]),
			),
		);
		const ph = c.phases;
		out.push(
			'',
			formatTable(
				['phase', 'ms'],
				[
					['downloads done (runtime JS, ORT JS + wasm, model, tokenizer)', ms(ph.downloadsEndMs, 0)],
					['model ready (worker "loaded")', ms(ph.modelReadyMs, 0)],
					['  session creation + wasm compile + 1-token warm-up (after downloads)', ms(ph.sessionCreateAndWarmupMs, 0)],
					[`first forward pass (${ph.firstForwardInputTokens} prompt tokens)`, ms(ph.firstForwardMs)],
					['first token reaches the page', ms(ph.firstTokenMessageMs, 0)],
					['first token painted (click → chip)', ms(ph.firstTokenPaintedMs, 0)],
				],
			),
		);
		if (c.ortStart) {
			const o = c.ortStart;
			out.push(
				`onnxruntime-web's own start, alone in a fresh worker with every byte in memory (median of ${c.ortStartRunsMs.length} fresh contexts: ${c.ortStartRunsMs.join(', ')} ms): first session ${ms(o.sessionMs, 0)} (compiles and initialises ORT's wasm) + first 1-token run ${ms(o.firstRunMs, 0)} = ${ms(o.sessionMs + o.firstRunMs, 0)}. Unless ORT starts before the click, no first token can be painted sooner than the downloads plus this.`,
			);
		}
		const b = c.bytesBeforeFirstToken;
		out.push(
			`Bytes after the click, before the first token: ${b.requests} requests, raw ${mb(b.raw)}, gzip ${mb(b.gzip)}, on the wire here ${mb(b.wire)}`,
		);
	}
	if (p) {
		out.push(
			'',
			`3. Per-token cost: ${p.newTokens} new tokens after ${p.promptTokens} prompt tokens (${JSON.stringify(p.prompt)}), greedy, cached loop, backend per row (the page forces WASM; (c) and (d) use the runtime worker's choice), ${p.threads} WASM thread(s), ORT ${p.ortVersion}, transformers.js ${p.transformersVersion}; median of ${p.rounds} interleaved rounds after a warm-up; ms/token = whole call / tokens`,
		);
		const label = {
			a: '(a) raw onnxruntime-web loop, our session options',
			aWorker: '(a†) the same raw loop in a worker',
			b: '(b) transformers.js generate(), its defaults',
			bOurs: '(b*) transformers.js generate(), our session options',
			c: '(c) runtime loop, no UI (worker)',
			cPage: '(c*) runtime loop in-page, no worker',
			d: '(d) widget, real time',
			floor: `(f) floor: the ${p.floor?.matmuls ?? '?'} weight MatMuls alone (${((p.floor?.multiplyAdds ?? NaN) / 1e6).toFixed(2)} M multiply-adds)`,
		};
		const same = (/** @type {boolean | null} */ x) => (x === null ? '-' : x ? 'yes' : 'no');
		out.push(
			formatTable(
				['contestant', 'backend', 'ms/token (median)', 'IQR', 'min', 'tokens', 'same tokens as (a)'],
				Object.entries(p.stats).map(([k, v]) => [
					label[k],
					p.backends?.[k] ?? '?',
					v.msPerToken.toFixed(3),
					`${v.q1.toFixed(2)}–${v.q3.toFixed(2)}`,
					v.minMsPerToken.toFixed(2),
					v.tokens,
					same(p.sameTokensAsRaw[k]),
				]),
			),
		);
		const pr = p.pairedRatios;
		out.push(
			`Paired, median over rounds: (c)/(b) ${pr.cOverB.toFixed(3)}   (c)/(b*) ${pr.cOverBOurs.toFixed(3)}   (b*)/(b) ${pr.bOursOverB.toFixed(3)}   (d)/(c) ${pr.dOverC.toFixed(3)}   (c*)/(a) ${pr.cPageOverA.toFixed(3)}   (a†)/(a) ${pr.aWorkerOverA.toFixed(3)}   (c)/(a†) ${pr.cOverAWorker.toFixed(3)}`,
			`Over the floor (f): (a) ${pr.aOverFloor.toFixed(2)}×   (c) ${pr.cOverFloor.toFixed(2)}×   (d) ${pr.dOverFloor.toFixed(2)}×`,
		);
		out.push(
			formatTable(
				[
					'ratio',
					'paired, median over rounds (the target)',
					'ratio of medians',
					'fastest rounds',
					'renderer CPU/token',
				],
				[
					['(c)/(b)', 'cOverB'],
					['(d)/(c)', 'dOverC'],
					['(c)/(a)', 'cOverA'],
					['(d)/(a)', 'dOverA'],
				].map(([label, key]) => [
					label,
					...[p.pairedRatios, p.ratios, p.ratiosOfMin, p.ratiosOfCpu].map((r) => r[key].toFixed(3)),
				]),
			),
		);
		const L = p.loadMs;
		out.push(
			`Load anatomy on the bench page (fresh context): wasm fetch ${ms(L.wasmFetch, 0)}, wasm compile alone ${ms(L.wasmCompileOnly, 0)}, model fetch ${ms(L.modelFetch, 0)}, first session incl. ORT init ${ms(L.firstSessionWithOrtInit, 0)}, second session (creation only) ${ms(L.sessionCreateOnly, 0)}, 1-token run first/second ${ms(L.firstRun1Token)}/${ms(L.secondRun1Token)}; runtime in-page load ${ms(L.cPage, 0)}, transformers.js load ${ms(L.b, 0)}, runtime worker load ${ms(L.c, 0)}`,
		);
		out.push(
			'',
			'CPU profile per token (Chromium Performance metrics, median of 3 runs each): main thread = the page; renderer = page + worker + compositor threads; runtime loop = generate() of the runtime in the worker, by its own clock (wall minus that = messaging and waiting); worker msgs = messages between page and worker, both ways',
		);
		out.push(
			formatTable(
				[
					'contestant',
					'wall',
					'runtime loop',
					'session.run',
					'model busy',
					'worker msgs',
					'renderer CPU',
					'main-thread CPU',
					'main tasks',
					'script',
					'style+layout',
					'layouts',
					'style recalcs',
				],
				Object.entries(p.profile).map(([k, v]) => [
					label[k],
					v.wallMsPerToken.toFixed(2),
					Number.isFinite(v.loopMsPerToken) ? v.loopMsPerToken.toFixed(2) : '-',
					Number.isFinite(v.sessionRunMsPerToken) ? v.sessionRunMsPerToken.toFixed(2) : '-',
					Number.isFinite(v.modelBusyShare) ? `${Math.round(v.modelBusyShare * 100)}%` : '-',
					Number.isFinite(v.workerMessagesPerToken) ? v.workerMessagesPerToken.toFixed(2) : '-',
					v.rendererCpuMsPerToken.toFixed(2),
					v.mainThreadCpuMsPerToken.toFixed(2),
					v.mainTaskMsPerToken.toFixed(2),
					v.scriptMsPerToken.toFixed(2),
					v.styleLayoutMsPerToken.toFixed(2),
					v.layoutsPerToken.toFixed(2),
					v.styleRecalcsPerToken.toFixed(2),
				]),
			),
		);
		out.push(
			'',
			'Naive vs cached, one step at sequence length L (raw session, median of 9); "logits only": the same cached step with only logits fetched, so ORT does not copy the new cache out to JavaScript; growth = over the first L',
		);
		const first = p.sweep[0];
		out.push(
			formatTable(
				['L', 'naive ms', 'cached ms', 'naive/cached', 'cached growth', 'cached, logits only ms', 'logits-only growth'],
				p.sweep.map((s) => [
					s.length,
					s.naiveMs.toFixed(2),
					s.cachedMs.toFixed(2),
					s.ratio.toFixed(1),
					(s.cachedMs / first.cachedMs).toFixed(2),
					s.logitsOnlyMs === undefined ? '-' : s.logitsOnlyMs.toFixed(2),
					s.logitsOnlyMs === undefined ? '-' : (s.logitsOnlyMs / first.logitsOnlyMs).toFixed(2),
				]),
			),
		);
	}

	if (r.lighthouse) {
		out.push(
			'',
			`4. Lighthouse ${r.lighthouse.preset} preset, simulated throttling, CPU slowdown ${r.lighthouse.cpuSlowdownMultiplier}× ${r.lighthouse.cpuCalibration ?? ''} (performance + accessibility only, one run per page)`,
		);
		if (r.lighthouse.error) out.push(`Lighthouse failed: ${r.lighthouse.error.split('\n')[0]}`);
		else
			out.push(
				formatTable(
					['page', 'perf', 'a11y', 'FCP', 'LCP', 'TBT', 'CLS', 'SI', 'a11y fails'],
					r.lighthouse.scores.map((s) => [
						s.page,
						s.performance,
						s.accessibility,
						ms(s.metrics.fcpMs, 0),
						ms(s.metrics.lcpMs, 0),
						ms(s.metrics.tbtMs, 0),
						s.metrics.cls.toFixed(3),
						ms(s.metrics.speedIndexMs, 0),
						s.failedA11yAudits.join(',') || '-',
					]),
				),
			);
		for (const s of r.lighthouse.scores ?? []) {
			out.push(
				`  ${s.page}: main thread ${s.diagnostics.mainThread.map((g) => `${g.group} ${g.ms}`).join(', ')} ms; long tasks ${s.diagnostics.longTasks}; top scripts ${s.diagnostics.bootup
					.slice(0, 3)
					.map((b) => `${b.url} ${b.totalMs}`)
					.join(', ')} ms`,
			);
		}
	}

	if (r.scaling) out.push(...scalingLines(r.scaling));
	if (r.latency) out.push(...latencyLines(r.latency));

	out.push('', 'Targets (reported, not asserted; "info" rows have none)');
	out.push(
		formatTable(
			['measure', 'value', 'target', 'met?'],
			r.targets.map((t) => [t.measure, t.shown, t.target, metLabel(t.met)]),
		),
	);
	out.push('', `Bench took ${r.durationS} s (build ${r.buildS} s).`);
	console.log(out.join('\n'));
}

main().catch((err) => {
	console.error(err instanceof Error ? err.stack : err);
	process.exitCode = 1;
});
