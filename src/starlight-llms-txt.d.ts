// Types for the alias defined in astro.config.mjs (an internal module of starlight-llms-txt).
declare module 'starlight-llms-txt:entry-to-markdown' {
	import type { APIContext } from 'astro';
	import type { CollectionEntry } from 'astro:content';

	export function entryToSimpleMarkdown(
		entry: CollectionEntry<'docs'>,
		context: APIContext,
		shouldMinify?: boolean,
	): Promise<string>;
}
