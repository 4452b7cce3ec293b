import type { APIRoute, GetStaticPaths } from 'astro';
import { getCollection, type CollectionEntry } from 'astro:content';
// Not a public export of starlight-llms-txt: aliased in astro.config.mjs so the Markdown twins are
// made by exactly the same HTML → Markdown conversion as /llms-full.txt.
import { entryToSimpleMarkdown } from 'starlight-llms-txt:entry-to-markdown';

export const prerender = true;

export const getStaticPaths = (async () => {
	const docs = await getCollection('docs', (doc) => !doc.data.draft);
	// The home page's id is `index`, so its twin is `/index.md`; every other page maps
	// `/a/b/` to `/a/b.md`, matching markdownTwinUrl() in src/components/open-in-ai.ts.
	return docs.map((entry) => ({ params: { slug: entry.id }, props: { entry } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ entry: CollectionEntry<'docs'> }> = async (context) => {
	const { entry } = context.props;
	const title = entry.data.hero?.title || entry.data.title;
	const description = entry.data.hero?.tagline || entry.data.description;
	const parts = [`# ${title}`];
	if (description) parts.push(`> ${description}`);
	parts.push(await entryToSimpleMarkdown(entry, context, false));
	return new Response(parts.join('\n\n') + '\n', {
		headers: { 'Content-Type': 'text/markdown; charset=utf-8' },
	});
};
