/** `<rc-candidates for="run">`: the candidates of the pick on screen, with their probabilities. */
import { CandidateBars } from '../render-candidates';
import { currentView } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunCandidates extends RunPanel {
	private bars: CandidateBars | undefined;

	protected paint(run: RunBlock): void {
		this.bars ??= new CandidateBars(this.ref<HTMLOListElement>('cands'));
		this.bars.eosId = run.controller.info?.eosId;
		const view = currentView(run.controller);
		this.bars.update(view.candidates, view.chosen);
		const note = view.strategy === 'sample' ? this.dataset.sampleNote : view.strategy ? this.dataset.greedyNote : '';
		setText(this.ref('cands-note'), note ?? '');
	}
}

define('rc-candidates', RunCandidates);
