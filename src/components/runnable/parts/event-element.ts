/** `<rc-event for="run">`: "Step 7 of 30 · iteration 2 of at most 8", and what that step did. */
import { currentView, describeStep } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunEventInfo extends RunPanel {
	protected paint(run: RunBlock): void {
		const c = run.controller;
		const view = currentView(c);
		const current = view.current;
		const max = c.settings?.maxNewTokens ?? run.config.defaults.maxNewTokens;
		setText(
			this.ref('step-counter'),
			current
				? `${view.index + 1}${c.state === 'done' ? ` of ${c.events.length}` : ''} · iteration ${Math.max(0, view.iteration) + 1} of at most ${max}`
				: '–',
		);
		setText(this.ref('step-desc'), describeStep(current));
		const f = view.lastForward;
		setText(
			this.ref('forward-desc'),
			f
				? f.usedCache
					? `Last forward pass: fed 1 new token, the KV cache holds ${f.sequenceLength - f.inputLength}.`
					: `Last forward pass: fed all ${f.inputLength} tokens (no cache).`
				: '',
		);
	}
}

define('rc-event', RunEventInfo);
