/** `<rc-compare for="a b">`: whether two finished runs produced the same tokens, and if not, where they part. */
import { currentView, showToken, type TokenChip } from '../view-model';
import { define, RunPanel, setText } from './panel';

class RunCompare extends RunPanel {
	protected paint(): void {
		const [a, b] = this.runs;
		if (!a || !b) return;
		const labels = JSON.parse(this.dataset.labels ?? '[]') as string[];
		const names = [labels[0] ?? a.config.title, labels[1] ?? b.config.title] as const;
		const views = [currentView(a.controller), currentView(b.controller)];
		const finished = [a, b].every((run) => run.controller.state === 'done') && views.every((v) => v.done && v.done.reason !== 'stopped');
		const verdict = finished ? compare(views[0]!.tokens, views[1]!.tokens, names) : undefined;
		this.dataset.verdict = verdict?.kind ?? '';
		setText(this.ref('compare'), verdict?.text ?? this.dataset.waiting ?? '');
	}
}

function compare(x: readonly TokenChip[], y: readonly TokenChip[], [nx, ny]: readonly [string, string]): { kind: 'same' | 'differ'; text: string } {
	const n = Math.min(x.length, y.length);
	for (let i = 0; i < n; i++) {
		if (x[i]!.id !== y[i]!.id) {
			return { kind: 'differ', text: `The tokens differ at position ${i} (token ${i + 1}): ${nx} has ${showToken(x[i]!.token)} (id ${x[i]!.id}), ${ny} has ${showToken(y[i]!.token)} (id ${y[i]!.id}).` };
		}
	}
	if (x.length !== y.length) return { kind: 'differ', text: `The tokens agree for ${n}, then ${x.length > y.length ? nx : ny} goes on: ${nx} has ${x.length} tokens, ${ny} ${y.length}.` };
	return { kind: 'same', text: `Identical: both runs produced the same ${x.length} tokens (${x.filter((t) => t.generated).length} generated).` };
}

define('rc-compare', RunCompare);
