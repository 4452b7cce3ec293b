// The package ships no types; this is the part of its ES module build that pagefind-on-intent.ts uses.
declare module '@pagefind/default-ui/npm_dist/mjs/ui-core.mjs' {
	export class PagefindUI {
		constructor(options: Record<string, unknown>);
		triggerSearch(term: string): void;
	}
}
