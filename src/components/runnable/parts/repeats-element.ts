/** `<rc-repeats for="run">`: the run's generated text, each repeated run of tokens outlined and labelled in words. */
import { markRepeats } from '../repeat-marks';
import { plural } from '../settings';
import { currentView, visibleWhitespace } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

const MIN_LENGTH = 4;

class RepeatsPanel extends RunPanel {
	private shown: unknown;

	protected paint(run: RunBlock): void {
		const view = currentView(run.controller);
		if (this.shown === view.tokens) return;
		this.shown = view.tokens;
		const eosId = run.controller.info?.eosId;
		const report = markRepeats(
			view.tokens.filter((t) => t.id !== eosId),
			MIN_LENGTH,
		);
		const pieces = report.pieces.map((piece) => {
			if (!piece.repeat) return document.createTextNode(piece.text);
			const mark = document.createElement('mark');
			mark.className = 'rc-repeat';
			const label = document.createElement('span');
			label.className = 'rc-repeat-label';
			label.textContent = `repeat ${piece.repeat.n}`;
			mark.append(label, document.createTextNode(piece.text));
			return mark;
		});
		this.ref('repeats-text').replaceChildren(...pieces);
		this.dataset.repeats = String(report.pieces.filter((p) => p.repeat).length);
		this.dataset.loop = report.loop ? String(report.loop.period) : '';
		if (!report.generated) {
			setText(
				this.ref('repeats-summary'),
				'Runs of 4 or more tokens that repeat earlier text are outlined and labelled here.',
			);
			return;
		}
		const spans = report.pieces.filter((p) => p.repeat).length;
		const counted = spans
			? `${plural(spans, 'run')} of ${MIN_LENGTH} or more tokens repeat earlier text: ${report.repeatedTokens} of the ${plural(report.generated, 'generated token')}.`
			: `No run of ${MIN_LENGTH} or more generated tokens repeats earlier text.`;
		const loop = report.loop
			? ` The text ends in a loop: “${visibleWhitespace(report.loop.text)}” (${plural(report.loop.period, 'token')}) over and over, ${report.loop.repeats} times.`
			: '';
		setText(this.ref('repeats-summary'), counted + loop);
	}
}

define('rc-repeats', RepeatsPanel);
