/** `<rc-rows for="run">`: a batched run's rows, one chip strip each, padding counted, finish reasons. */
import { ChipList } from '../render-chips';
import { currentView, describeReason, type RowView } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunRows extends RunPanel {
	private strips: Array<{ item: HTMLLIElement; head: HTMLElement; chips: ChipList }> = [];

	protected paint(run: RunBlock): void {
		const { rows } = currentView(run.controller);
		const list = this.ref<HTMLOListElement>('rows');
		while (this.strips.length > rows.length) this.strips.pop()!.item.remove();
		while (this.strips.length < rows.length) this.strips.push(this.strip(list, this.strips.length));
		for (const [i, row] of rows.entries()) {
			const strip = this.strips[i]!;
			strip.chips.eosId = run.controller.info?.eosId;
			strip.chips.update(row.tokens);
			setText(strip.head, describeRow(i, row));
			strip.item.dataset.reason = row.reason ?? '';
		}
		const padding = rows.reduce((sum, row) => sum + row.padding, 0);
		setText(
			this.ref('rows-count'),
			rows.length ? `${rows.length} rows, ${padding} padding column${padding === 1 ? '' : 's'}` : '',
		);
	}

	private strip(list: HTMLOListElement, i: number): { item: HTMLLIElement; head: HTMLElement; chips: ChipList } {
		const item = document.createElement('li');
		item.className = 'rc-row';
		item.dataset.row = String(i);
		const head = document.createElement('p');
		head.className = 'rc-row-head';
		const ol = document.createElement('ol');
		ol.className = 'rc-chips';
		ol.setAttribute('aria-label', `Row ${i + 1} tokens`);
		item.append(head, ol);
		list.append(item);
		return { item, head, chips: new ChipList(ol) };
	}
}

function describeRow(i: number, row: RowView): string {
	const prompt = row.tokens.filter((t) => !t.pad && !t.generated).length;
	const generated = row.tokens.filter((t) => t.generated).length;
	const end = row.reason ? `finished: ${describeReason(row.reason)}` : 'generating';
	return `Row ${i + 1}: ${prompt} prompt, ${generated} generated, ${row.padding} padding · ${end}`;
}

define('rc-rows', RunRows);
