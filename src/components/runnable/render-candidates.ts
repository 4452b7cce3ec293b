/** The last pick's top candidates as probability bars; the chosen one gets a ✓ and a label. */
import type { Candidate } from '../../runtime/events';
import { formatProb, visibleWhitespace } from './view-model';

export class CandidateBars {
	private shown: readonly Candidate[] | undefined;
	/** The end-of-sequence id, shown as ⟨eos⟩. */
	eosId: number | undefined;

	constructor(readonly list: HTMLOListElement) {}

	update(candidates: readonly Candidate[], chosen: Candidate | undefined): void {
		if (candidates === this.shown) return;
		this.shown = candidates;
		const items = candidates.map((c) => {
			const isChosen = chosen !== undefined && c.id === chosen.id;
			const li = document.createElement('li');
			li.className = `rc-cand${isChosen ? ' rc-cand--chosen' : ''}`;
			const pct = Math.max(0, Math.min(100, c.prob * 100));
			const label = document.createElement('span');
			label.className = 'rc-cand-token';
			label.textContent = `${isChosen ? '✓ ' : ''}${c.id === this.eosId ? '⟨eos⟩' : `“${visibleWhitespace(c.token)}”`}`;
			const bar = document.createElement('span');
			bar.className = 'rc-cand-bar';
			bar.setAttribute('aria-hidden', 'true');
			const fill = document.createElement('span');
			fill.style.width = `${pct}%`;
			bar.append(fill);
			const value = document.createElement('span');
			value.className = 'rc-cand-p';
			value.textContent = formatProb(c.prob);
			li.append(label, bar, value);
			li.title = `id ${c.id}, logit ${c.logit.toFixed(2)}`;
			if (isChosen) {
				const sr = document.createElement('span');
				sr.className = 'sr-only';
				sr.textContent = ' (chosen)';
				label.append(sr);
			}
			return li;
		});
		this.list.replaceChildren(...items);
	}
}
