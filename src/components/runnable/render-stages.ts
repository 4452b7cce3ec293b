/** A stage table as an HTML table: a column per stage, a row per candidate, cut cells said as "cut". */
import { formatPercent, type StageTable } from './stage-table';
import { visibleWhitespace } from './view-model';

export function tokenLabel(id: number, token: string | undefined, eosId: number | undefined): string {
	if (id === eosId) return '⟨eos⟩';
	return token === undefined ? `a token outside the rows above (id ${id})` : `“${visibleWhitespace(token)}”`;
}

export function renderStages(
	table: HTMLTableElement,
	t: StageTable,
	marks: { picked: number | undefined; eosId: number | undefined },
): void {
	const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string) => {
		const node = document.createElement(tag);
		if (cls) node.className = cls;
		if (text !== undefined) node.textContent = text;
		return node;
	};
	const head = el('tr');
	const corner = el('th', undefined, 'Token');
	corner.scope = 'col';
	head.append(corner);
	for (const c of t.columns) {
		const th = el('th', c.applied ? undefined : 'rc-stage-off');
		th.scope = 'col';
		th.dataset.stage = c.name;
		th.append(el('span', 'rc-stage-name', c.heading), el('span', 'rc-muted', `${c.kept.toLocaleString('en-US')} kept`));
		head.append(th);
	}
	const body = el('tbody');
	for (const row of t.rows) {
		const tr = el('tr');
		tr.dataset.id = String(row.id);
		const marksText = [
			row.id === marks.picked ? '✓ picked in the run' : '',
			row.id === t.draw.id ? '◆ these settings pick' : '',
		].filter(Boolean);
		const th = el('th', 'rc-stage-token', tokenLabel(row.id, row.token, marks.eosId));
		th.scope = 'row';
		for (const m of marksText) th.append(el('span', 'rc-stage-mark', m));
		tr.append(th);
		row.cells.forEach((cell, i) => tr.append(stageCell(el, cell.cut, cell.prob, i === 0 ? '' : ' (renormalised)')));
		body.append(tr);
	}
	const rest = el('tr', 'rc-stage-rest');
	const restHead = el('th', undefined, `The other ${t.rest.count.toLocaleString('en-US')} tokens`);
	restHead.scope = 'row';
	rest.append(restHead);
	for (const cell of t.rest.cells) {
		const td = stageCell(el, cell.kept === 0, cell.prob, '');
		if (cell.kept > 0) td.append(el('span', 'rc-muted', ` ${cell.kept.toLocaleString('en-US')} kept`));
		rest.append(td);
	}
	body.append(rest);
	const thead = el('thead');
	thead.append(head);
	table.replaceChildren(thead, body);
}

function stageCell(
	el: <K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string) => HTMLElementTagNameMap[K],
	cut: boolean,
	prob: number,
	srSuffix: string,
): HTMLTableCellElement {
	const td = el('td', cut ? 'rc-stage-cell rc-stage-cut' : 'rc-stage-cell');
	if (cut) {
		td.append(el('span', 'rc-stage-cut-label', 'cut'));
		return td;
	}
	const bar = el('span', 'rc-stage-bar');
	bar.setAttribute('aria-hidden', 'true');
	const fill = el('span');
	fill.style.width = `${Math.max(0, Math.min(100, prob * 100))}%`;
	bar.append(fill);
	td.append(bar, el('span', 'rc-stage-p', formatPercent(prob)));
	if (srSuffix) td.append(el('span', 'sr-only', srSuffix));
	return td;
}
