/**
 * `<rc-output for="run">`: the prompt and the generated text. While the run streams, new text is
 * appended (not rewritten) so a screen reader reads only the new words; scrubbing is silent. A
 * prompt cut to fit the context shows only the part the model saw, after an ellipsis.
 */
import { currentView, describeReason, type AnyStepEvent } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunOutput extends RunPanel {
	private shown = '';

	protected paint(run: RunBlock): void {
		const c = run.controller;
		const view = currentView(c);
		setText(this.ref('out-prompt'), view.tokens.length ? promptShown(c.events, c.settings?.prompt ?? '') : '');
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

/** The prompt as the model saw it: when the runtime dropped its start, only the tokens kept. */
function promptShown(events: readonly AnyStepEvent[], prompt: string): string {
	const first = events[0];
	// A batched run's encode event has a row per prompt; this panel shows single-prompt runs.
	if (first?.step !== 'encode' || !('truncated' in first) || !first.truncated) return prompt;
	// Decoded whole at the end; token by token before (a character split across tokens shows as U+FFFD).
	const done = events[events.length - 1];
	if (done?.step === 'done' && 'generatedText' in done && done.text.endsWith(done.generatedText))
		return `…${done.text.slice(0, done.text.length - done.generatedText.length)}`;
	return `…${first.tokens.join('')}`;
}

define('rc-output', RunOutput);
