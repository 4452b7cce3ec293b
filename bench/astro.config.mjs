// @ts-check
/**
 * The bench build: the site's own config (astro.config.mjs) unchanged, plus one page that exists
 * only here (/dev/bench/, bench/page/bench.astro), built into bench/.dist with its own cache so a
 * bench never touches dist/ while other work (npm test, npm start) serves it.
 *
 *   astro build --config bench/astro.config.mjs      (npm run bench does this)
 *
 * BENCH_PRECOMPRESS=1 adds the proposed precompression step (bench/precompress.mjs) to measure it.
 */
import siteConfig from '../astro.config.mjs';
import precompress from './precompress.mjs';

/** @returns {import('astro').AstroIntegration} */
function benchPage() {
	return {
		name: 'token-by-token:bench-page',
		hooks: {
			'astro:config:setup': ({ injectRoute }) => {
				injectRoute({ pattern: '/dev/bench', entrypoint: './bench/page/bench.astro', prerender: true });
			},
		},
	};
}

export default {
	...siteConfig,
	outDir: './bench/.dist',
	cacheDir: './bench/.cache/astro',
	integrations: [
		...(siteConfig.integrations ?? []),
		benchPage(),
		...(process.env.BENCH_PRECOMPRESS === '1' ? [precompress()] : []),
	],
};
