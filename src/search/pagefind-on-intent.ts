// Starlight's search component imports `@pagefind/default-ui` on idle after every page load, so
// each page shipped Pagefind's 26 KB (gzip) UI before the reader did anything: half the page's
// JavaScript budget for a feature most visits never open. astro.config.mjs aliases that exact
// specifier to this module, which keeps Starlight's component as it is and fetches the real UI
// only once the reader shows they want search.

type PagefindUIOptions = { element?: string | HTMLElement } & Record<string, unknown>;

export class PagefindUI {
	constructor(options: PagefindUIOptions) {
		const container = typeof options.element === 'string' ? document.querySelector(options.element) : options.element;
		const dialog = container?.closest('dialog');
		const opener = container?.closest('site-search')?.querySelector('button[data-open-modal]');
		if (!dialog || !opener) {
			// Not inside Starlight's search dialog: nothing to wait on, so behave like the real one.
			void load().then((Real) => new Real(options));
			return;
		}

		// Keys typed between the dialog opening and the UI arriving would otherwise be lost.
		let typedAhead = '';
		const onKeydown = (event: KeyboardEvent) => {
			if (event.ctrlKey || event.metaKey || event.altKey) return;
			if (event.key.length === 1) typedAhead += event.key;
			else if (event.key === 'Backspace') typedAhead = typedAhead.slice(0, -1);
		};
		const forgetTyped = () => (typedAhead = '');
		dialog.addEventListener('keydown', onKeydown);
		dialog.addEventListener('close', forgetTyped);

		const intents = ['pointerenter', 'focus', 'touchstart'] as const;
		const opened = new MutationObserver(() => dialog.open && start());
		let started = false;
		const start = async () => {
			if (started) return;
			started = true;
			let Real;
			try {
				Real = await load();
			} catch (error) {
				// Offline or a failed fetch: the next sign of intent tries again.
				started = false;
				throw error;
			}
			opened.disconnect();
			for (const type of intents) opener.removeEventListener(type, start);
			dialog.removeEventListener('keydown', onKeydown);
			dialog.removeEventListener('close', forgetTyped);
			const ui = new Real(options);
			if (!dialog.open) return;
			// Starlight focused the dialog's input when it opened, before the input existed.
			dialog.querySelector('input')?.focus();
			if (typedAhead) ui.triggerSearch(typedAhead);
		};

		for (const type of intents) opener.addEventListener(type, start, { passive: true });
		// Covers every way in: the button, Ctrl/Cmd+K, or anything else that opens the dialog.
		opened.observe(dialog, { attributes: true, attributeFilter: ['open'] });
		if (dialog.open) void start();
	}
}

// A path the alias does not match: the package's own ES module build.
const load = async () => (await import('@pagefind/default-ui/npm_dist/mjs/ui-core.mjs')).PagefindUI;
