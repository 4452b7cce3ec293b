/** `<rc-compare for="a b">`: whether two finished runs produced the same tokens, and if not, where they part. */
import { compareTokens } from '../compare-tokens';
import { currentView } from '../view-model';
import { define, RunPanel, setText } from './panel';

class RunCompare extends RunPanel {
	protected paint(): void {
		const [a, b] = this.runs;
		if (!a || !b) return;
		const labels = JSON.parse(this.dataset.labels ?? '[]') as string[];
		const names = [labels[0] ?? a.config.title, labels[1] ?? b.config.title] as const;
		const views = [currentView(a.controller), currentView(b.controller)];
		const finished =
			[a, b].every((run) => run.controller.state === 'done') &&
			views.every((v) => v.done && v.done.reason !== 'stopped');
		const [sa, sb] = [a.controller.settings, b.controller.settings];
		// Runs started from different settings (one rerun after an edit) are not a like-for-like pair.
		const comparable =
			sa?.prompt === sb?.prompt && sa?.maxNewTokens === sb?.maxNewTokens && sa?.strategy === sb?.strategy;
		const verdict = finished && comparable ? compareTokens(views[0]!.tokens, views[1]!.tokens, names) : undefined;
		this.dataset.verdict = verdict?.kind ?? (finished ? 'not-comparable' : '');
		const text =
			verdict?.text ??
			(finished
				? 'The two runs used different settings, so their tokens are not compared: run both again.'
				: (this.dataset.waiting ?? ''));
		setText(this.ref('compare'), text);
	}
}

define('rc-compare', RunCompare);
