/** `<rc-chips for="run">`: the token sequence on screen, as chips. */
import { ChipList } from '../render-chips';
import { currentView } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunChips extends RunPanel {
	private chips: ChipList | undefined;

	protected paint(run: RunBlock): void {
		this.chips ??= new ChipList(this.ref<HTMLOListElement>('chips'));
		this.chips.eosId = run.controller.info?.eosId;
		const { tokens } = currentView(run.controller);
		this.chips.update(tokens);
		const generated = tokens.filter((t) => t.generated).length;
		setText(
			this.ref('ids-count'),
			tokens.length ? `${tokens.length} tokens (${tokens.length - generated} prompt, ${generated} generated)` : '',
		);
	}
}

define('rc-chips', RunChips);
