/**
 * Panels find their run by name (`<rc-chips for="naive">`), whichever custom element the browser
 * upgrades first: a run registers itself when it connects, and a panel waits for it.
 */
import type { RunBlock } from './parts/run-element';

const runs = new Map<string, RunBlock>();
const waiting = new Map<string, Array<(run: RunBlock) => void>>();

export function registerRun(name: string, run: RunBlock): void {
	if (runs.has(name) && runs.get(name) !== run)
		console.error(`Two runnable runs are named "${name}" on this page; panels follow the first.`);
	if (!runs.has(name)) runs.set(name, run);
	for (const resolve of waiting.get(name)?.splice(0) ?? []) resolve(runs.get(name)!);
}

export function unregisterRun(name: string, run: RunBlock): void {
	if (runs.get(name) === run) runs.delete(name);
}

export function whenRun(name: string): Promise<RunBlock> {
	const run = runs.get(name);
	if (run) return Promise.resolve(run);
	return new Promise((resolve) => waiting.set(name, [...(waiting.get(name) ?? []), resolve]));
}

export function hasRun(name: string): boolean {
	return runs.has(name);
}

/** Calls `fn` once the page is parsed and every module script has run, so every part on the page
 *  has been defined and upgraded (parts' elements may be defined in any order). */
export function afterParts(fn: () => void): void {
	if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn, { once: true });
	else setTimeout(fn);
}
