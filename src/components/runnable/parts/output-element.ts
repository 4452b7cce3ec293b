/**
 * `<rc-output for="run">`: the prompt and the generated text. While the run streams, new text is
 * appended (not rewritten) so a screen reader reads only the new words; scrubbing is silent.
 */
import { currentView, describeReason } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunOutput extends RunPanel {
	private shown = '';

	protected paint(run: RunBlock): void {
		const c = run.controller;
		const view = currentView(c);
		setText(this.ref('out-prompt'), view.tokens.length ? (c.settings?.prompt ?? '') : '');
		const out = this.ref('out-gen');
		const text = view.generatedText;
		const live = c.scrubbing ? 'off' : 'polite';
		if (out.getAttribute('aria-live') !== live) out.setAttribute('aria-live', live);
		if (c.scrubbing || !text.startsWith(this.shown)) setText(out, text);
		else if (text.length > this.shown.length) out.append(document.createTextNode(text.slice(this.shown.length)));
		this.shown = text;
		setText(this.ref('done-desc'), view.done ? `Stopped because ${describeReason(view.done.reason)}.` : '');
	}
}

define('rc-output', RunOutput);
