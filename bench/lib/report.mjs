// @ts-check
// Pure helpers of the bench: statistics, byte accounting, target checks and the printed table.
// No I/O here (tests/unit/bench-report.test.ts covers them).
import { gzipSync } from 'node:zlib';

/** @param {number[]} xs */
export function median(xs) {
	if (!xs.length) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Median over rounds of xs[i] / ys[i]: each sample compared with its partner from the same round.
 * @param {number[]} xs @param {number[]} ys
 */
export function pairedRatio(xs, ys) {
	const n = Math.min(xs.length, ys.length);
	return median(Array.from({ length: n }, (_, i) => ratio(xs[i], ys[i])).filter(Number.isFinite));
}

/** Lower and upper quartile (nearest-rank), for a spread next to the median. @param {number[]} xs */
export function quartiles(xs) {
	if (!xs.length) return [NaN, NaN];
	const s = [...xs].sort((a, b) => a - b);
	const at = (/** @type {number} */ p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
	return [at(0.25), at(0.75)];
}

/**
 * The median time of the passes within `half` positions of `center`, and how many there were
 * (a window the run did not reach, or only partly, is short of 2·half + 1 passes).
 * @param {{ position: number, ms: number }[]} passes @param {number} center @param {number} half
 */
export function windowMs(passes, center, half) {
	const inside = passes.filter((p) => Math.abs(p.position - center) <= half).map((p) => p.ms);
	return { ms: median(inside), count: inside.length };
}

/**
 * Per-pass time near position `far` over near position `near` (window medians), NaN unless both
 * windows are complete: how a pass's cost grows with the sequence.
 * @param {{ position: number, ms: number }[]} passes @param {number} near @param {number} far @param {number} half
 */
export function positionGrowth(passes, near, far, half) {
	const a = windowMs(passes, near, half);
	const b = windowMs(passes, far, half);
	const full = 2 * half + 1;
	return a.count === full && b.count === full ? ratio(b.ms, a.ms) : NaN;
}

/** @param {number} a @param {number} b */
export const ratio = (a, b) => (b > 0 && Number.isFinite(a) ? a / b : NaN);

/** gzip as a static host or a build step would send it (level 9). @param {Uint8Array} bytes */
export function gzipSize(bytes) {
	return gzipSync(bytes, { level: 9 }).length;
}

/** Bytes as KB with one decimal (1 KB = 1000 bytes, as Lighthouse and DevTools count). @param {number} n */
export const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
/** @param {number} n */
export const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
/** @param {number} n @param {number} [digits] */
export const ms = (n, digits = 1) => (Number.isFinite(n) ? `${n.toFixed(digits)} ms` : 'n/a');

/**
 * What kind of resource a URL path is, for the page-weight split.
 * @param {string} path URL pathname
 * @returns {'js'|'css'|'html'|'wasm'|'model'|'json'|'font'|'image'|'other'}
 */
export function classify(path) {
	const p = path.toLowerCase();
	if (p.endsWith('/') || p.endsWith('.html')) return 'html';
	if (p.endsWith('.js') || p.endsWith('.mjs')) return 'js';
	if (p.endsWith('.css')) return 'css';
	if (p.endsWith('.wasm') || p.endsWith('.wasm.zst')) return 'wasm';
	if (p.endsWith('.onnx') || p.endsWith('.onnx_data')) return 'model';
	if (p.endsWith('.json')) return 'json';
	if (/\.(woff2?|ttf|otf)$/.test(p)) return 'font';
	if (/\.(svg|png|jpe?g|gif|webp|avif|ico)$/.test(p)) return 'image';
	return 'other';
}

/**
 * True for anything of the model runtime that must not load before Run: onnxruntime's files
 * (served under ort/, or a bundled ort.*.js chunk), any .wasm, and anything of the model folder.
 * @param {string} path URL pathname
 */
export function isRuntimeAsset(path) {
	const p = path.toLowerCase();
	return (
		/\/ort\//.test(p) ||
		/\/ort[.-][^/]*\.m?js$/.test(p) ||
		/onnxruntime/.test(p) ||
		p.endsWith('.wasm') ||
		/\/models\//.test(p) ||
		p.endsWith('.onnx')
	);
}

/**
 * Sums requests by kind. Each request: { path, raw, gzip }.
 * @param {{ path: string, raw: number, gzip: number }[]} requests
 */
export function summarizeWeight(requests) {
	/** @type {Record<string, { count: number, raw: number, gzip: number }>} */
	const byKind = {};
	let runtimeBytes = 0;
	for (const r of requests) {
		const k = classify(r.path);
		const e = (byKind[k] ??= { count: 0, raw: 0, gzip: 0 });
		e.count++;
		e.raw += r.raw;
		e.gzip += r.gzip;
		if (isRuntimeAsset(r.path)) runtimeBytes += r.raw;
	}
	const total = requests.reduce((a, r) => ({ raw: a.raw + r.raw, gzip: a.gzip + r.gzip }), { raw: 0, gzip: 0 });
	return { byKind, total, runtimeBytes, count: requests.length };
}

/**
 * A target as data: `{ op: '<=', limit: 1.1 }`. Returns null when the value is missing, or when
 * the row is information with no target (`op: 'info'`).
 * @param {number | null | undefined} value
 * @param {{ op: '<=' | '>=' | '==' | 'info', limit: number }} target
 */
export function meets(value, target) {
	if (target.op === 'info' || value === null || value === undefined || !Number.isFinite(value)) return null;
	if (target.op === '<=') return value <= target.limit;
	if (target.op === '>=') return value >= target.limit;
	return value === target.limit;
}

/** @param {boolean | null} met */
export const metLabel = (met) => (met === null ? '-' : met ? 'yes' : 'NO');

/**
 * A plain-text table with a header rule; numbers and text left-aligned for easy diffing.
 * @param {string[]} headers
 * @param {(string | number)[][]} rows
 */
export function formatTable(headers, rows) {
	const cells = [headers, ...rows.map((r) => r.map(String))];
	const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
	const line = (/** @type {string[]} */ r) =>
		r
			.map((c, i) => (c ?? '').padEnd(widths[i]))
			.join('  ')
			.trimEnd();
	return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/**
 * The targets, in one place (bench/README.md says where each comes from).
 * @type {Record<'lessonJsGzip' | 'runtimeBytesBeforeRun' | 'coldStartMs' | 'bytesBeforeFirstTokenGzip' | 'cOverA' | 'cOverB' | 'dOverC' | 'lighthousePerformance' | 'lighthouseAccessibility' | 'naiveGrowth' | 'cachedGrowth' | 'batchSpeedup' | 'latencyPredictionError' | 'info', { op: '<=' | '>=' | '==' | 'info', limit: number, text: string }>}
 */
export const TARGETS = {
	lessonJsGzip: { op: '<=', limit: 50_000, text: '≤ 50 KB gzip' },
	runtimeBytesBeforeRun: { op: '==', limit: 0, text: '0' },
	coldStartMs: { op: '<=', limit: 600, text: '≤ 600 ms' },
	bytesBeforeFirstTokenGzip: { op: '<=', limit: 5_000_000, text: '≤ 5 MB gzip' },
	cOverA: { op: '<=', limit: 1.1, text: '≤ 1.10' },
	cOverB: { op: '<=', limit: 0.35, text: '≤ 0.35' },
	dOverC: { op: '<=', limit: 1.15, text: '≤ 1.15' },
	lighthousePerformance: { op: '>=', limit: 95, text: '≥ 95' },
	lighthouseAccessibility: { op: '>=', limit: 95, text: '≥ 95' },
	// Lesson 2 (issue 10): a pass at position 200 over one at position 10.
	naiveGrowth: { op: '>=', limit: 3, text: '≥ 3' },
	cachedGrowth: { op: '<=', limit: 1.5, text: '≤ 1.5' },
	// Lesson 5 (issues 13, 16): tokens/s at B = 8 over B = 1.
	batchSpeedup: { op: '>=', limit: 3, text: '≥ 3' },
	// Lesson 3 (issue 11): |predicted − measured| / measured at N = 64 and 128.
	latencyPredictionError: { op: '<=', limit: 0.15, text: '≤ 15%' },
	info: { op: 'info', limit: NaN, text: '-' },
};

/**
 * Lighthouse's CPU slowdown for a mid-tier-mobile result, from the host's BenchmarkIndex, per the
 * table in Lighthouse's docs/throttling.md ("Calibrating the CPU slowdown"): the default 4× is
 * meant for a high-end desktop (BenchmarkIndex 1500–2000); a low-end desktop or high-end mobile
 * host (800–1500) needs 2×; a host already in the mid-tier mobile bracket (125–800) needs 1×.
 * @param {number} benchmarkIndex
 */
export function cpuMultiplierFor(benchmarkIndex) {
	if (!Number.isFinite(benchmarkIndex) || benchmarkIndex >= 1500) return 4;
	if (benchmarkIndex >= 800) return 2;
	return 1;
}
