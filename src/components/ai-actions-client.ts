import { copyToClipboard } from './clipboard';

let initialised = false;

/** Event delegation, so one listener serves every AiActions row on the page. */
export function setUpAiActions(): void {
	if (initialised) return;
	initialised = true;
	document.addEventListener('click', (event) => {
		const target = event.target instanceof Element ? event.target : null;
		const control = target?.closest<HTMLElement>('[data-ai-actions] .ai-actions__control');
		if (!control) return;
		const status = control.closest('[data-ai-actions]')?.querySelector<HTMLElement>('[data-ai-status]');
		const say = (message: string) => {
			if (status) status.textContent = message;
		};

		if (control instanceof HTMLButtonElement) {
			const { copyText, copyFrom } = control.dataset;
			const text =
				copyText ??
				fetch(copyFrom ?? '').then((response) => {
					if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
					return response.text();
				});
			copyToClipboard(text).then(
				() => say(copyFrom ? 'Copied the lesson as Markdown.' : 'Copied the prompt.'),
				(error: unknown) => say(`Could not copy: ${error instanceof Error ? error.message : String(error)}`),
			);
			return;
		}

		// A prompt too long for a URL: the link opens the assistant with a short prompt, and the
		// full text goes to the clipboard. The link is followed normally; we only add the copy.
		const full = control.dataset.clipboardText;
		if (full) {
			const name = control.dataset.assistantLabel ?? 'the assistant';
			copyToClipboard(full).then(
				() => say(`The full prompt is too long for a link, so it is on your clipboard: paste it into ${name}.`),
				() =>
					say(
						`The full prompt is too long for a link and could not be copied; copy it from this page and paste it into ${name}.`,
					),
			);
		}
	});
}
