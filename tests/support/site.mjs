// Where the built site under test lives. `npm test` (tests/run-all.mjs) builds with these same
// variables, so URLs baked into the pages (canonical links, open-in-AI prompts, llms.txt) point
// at the local server and can be checked for real.
import { normaliseBase } from './serve.mjs';

export const port = Number(process.env.TEST_PORT ?? 4321);
export const basePath = normaliseBase(process.env.BASE_PATH ?? '/');
/** Root of the site on the local static server, e.g. http://127.0.0.1:4321/token-by-token/ */
export const localSiteUrl = `http://127.0.0.1:${port}${basePath}`;
/** Root of the site as the build saw it (astro.config.mjs's `site` plus `base`). */
export const publicSiteUrl = new URL(basePath, process.env.SITE ?? 'https://token-by-token.example.com').href;

/** Public URL of a page, from its path relative to the site root: publicUrl('lessons/x/'). */
export function publicUrl(path) {
	return new URL(path.replace(/^\//, ''), publicSiteUrl).href;
}

/** Local URL of a page, from its path relative to the site root. */
export function localUrl(path) {
	return new URL(path.replace(/^\//, ''), localSiteUrl).href;
}
