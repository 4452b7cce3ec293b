// @ts-check
import { defineConfig } from 'astro/config';
import starlight from '@astrojs/starlight';
import sitemap from '@astrojs/sitemap';
import starlightLlmsTxt from 'starlight-llms-txt';
import { fileURLToPath } from 'node:url';
import ortAssets from './src/runtime/astro-integration.mjs';
import { llmsLessonSection, readLessons } from './src/lessons-index.mjs';

// Deploy targets differ only in where the site lives: `SITE` is the origin (plus path for
// GitHub Pages user sites), `BASE_PATH` the sub-path of a project site, e.g. `/token-by-token`.
// Canonical URLs, the Markdown twins, llms.txt and the open-in-AI prompts are all built from them,
// so set both to the real public address when deploying.
const site = process.env.SITE || 'https://token-by-token.example.com';
const base = process.env.BASE_PATH || '/';
const siteRoot = new URL(base.endsWith('/') ? base : `${base}/`, site).href;
const lessons = readLessons(new URL('./src/content/docs/lessons/', import.meta.url));

export default defineConfig({
	site,
	base,
	vite: {
		resolve: {
			alias: [
				// The plugin's HTML → Markdown converter, reused for the per-lesson Markdown twins
				// (src/pages/[...slug].md.ts). It is an internal file, so starlight-llms-txt is pinned.
				{
					find: 'starlight-llms-txt:entry-to-markdown',
					replacement: fileURLToPath(new URL('./entryToSimpleMarkdown.ts', import.meta.resolve('starlight-llms-txt'))),
				},
				// Starlight's search imports Pagefind's UI on idle on every page; this stand-in fetches it
				// when the reader reaches for search, which keeps it out of each page's JavaScript budget.
				// Only the bare specifier: the stand-in imports the real UI by its file path.
				{
					find: /^@pagefind\/default-ui$/,
					replacement: fileURLToPath(new URL('./src/search/pagefind-on-intent.ts', import.meta.url)),
				},
			],
		},
	},
	// Lesson URLs end in `/`; the Markdown twin of `/lessons/x/` is `/lessons/x.md`.
	trailingSlash: 'always',
	integrations: [
		// Serves onnxruntime-web's .wasm/.mjs under <base>ort/ and makes workers ES modules (src/runtime).
		ortAssets(),
		// Starlight adds a sitemap unless one is configured; this one leaves out the test-only
		// pages under /dev/ (noindex harnesses for the runtime and runnable-block tests).
		sitemap({ filter: (page) => !new URL(page).pathname.includes('/dev/') }),
		starlight({
			title: 'Token by Token',
			description:
				'An interactive course on how LLM serving works, one token at a time, with a real language model running in your browser.',
			customCss: ['./src/styles/custom.css'],
			components: {
				PageTitle: './src/components/LessonPageTitle.astro',
				MarkdownContent: './src/components/LessonMarkdownContent.astro',
			},
			sidebar: [
				{ label: 'Start here', link: '/' },
				{ label: 'Lessons', items: [{ autogenerate: { directory: 'lessons' } }] },
			],
			tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
			plugins: [
				starlightLlmsTxt({
					projectName: 'Token by Token',
					details: [
						'Each lesson is also served as Markdown at its URL without the trailing slash plus `.md`; the links below point at those twins.',
						llmsLessonSection(lessons, siteRoot),
					].join('\n\n'),
					// The share and copy controls are page chrome, not lesson content.
					customSelectors: { all: ['[data-llm-omit]', '.sl-anchor-link'] },
					promote: ['index', 'lessons/**'],
				}),
			],
		}),
	],
});
