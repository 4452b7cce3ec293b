/** `<rc-blocks for="run">`: the KV block pool and block tables at the step on screen, beside a contiguous reservation. */
import { formatCount } from '../../../serving-math/format';
import { blockOwners, currentSchedule, memoryComparison, requestLabel } from '../schedule-view';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';
import { requestHue } from './schedule-element';

class RunBlocks extends RunPanel {
	private cells: HTMLSpanElement[] = [];

	protected paint(run: RunBlock): void {
		const view = currentSchedule(run.controller);
		const table = view.blocks;
		const pool = this.ref('pool');
		const notes = this.ref('mem-notes');
		const body = this.ref('block-tables');
		if (!table) {
			pool.replaceChildren();
			this.cells = [];
			body.replaceChildren();
			notes.replaceChildren();
			for (const name of ['mem-paged', 'mem-contiguous']) setText(this.ref(name), '–');
			setText(this.ref('blocks-count'), '');
			pool.setAttribute('aria-label', 'Not started.');
			return;
		}
		const owners = blockOwners(table);
		while (this.cells.length > owners.length) this.cells.pop()!.remove();
		while (this.cells.length < owners.length) {
			const cell = document.createElement('span');
			cell.className = 'rc-cell rc-block';
			pool.append(cell);
			this.cells.push(cell);
		}
		for (const [b, owner] of owners.entries()) {
			const cell = this.cells[b]!;
			setText(cell, owner === null ? '' : requestLabel(owner));
			cell.classList.toggle('rc-block--free', owner === null);
			if (owner === null) cell.style.removeProperty('--hue');
			else cell.style.setProperty('--hue', String(requestHue(owner)));
		}
		const context = run.controller.info?.contextSize ?? 0;
		const m = memoryComparison(table, context);
		setText(
			this.ref('blocks-count'),
			`${table.usedBlocks} of ${table.totalBlocks} blocks of ${table.blockSize} tokens in use`,
		);
		pool.setAttribute(
			'aria-label',
			`${table.usedBlocks} of ${table.totalBlocks} blocks in use by ${m.requests} running requests.`,
		);
		if (m.requests === 0) {
			setText(this.ref('mem-paged'), 'No request is running: every block is free.');
			setText(this.ref('mem-contiguous'), 'No request is running: nothing is reserved.');
		} else {
			setText(
				this.ref('mem-paged'),
				`${table.usedBlocks} blocks = ${formatCount(m.pagedSlots)} token slots for ${formatCount(m.heldTokens)} tokens held: ${formatCount(m.pagedWaste)} unused (${share(m.pagedWaste, m.pagedSlots)}), at most one partly filled block per request`,
			);
			setText(
				this.ref('mem-contiguous'),
				`${m.requests} × ${context} tokens = ${formatCount(m.contiguousSlots)} token slots (${m.contiguousBlocks} blocks) for the same ${formatCount(m.heldTokens)} tokens: ${formatCount(m.contiguousWaste)} unused (${share(m.contiguousWaste, m.contiguousSlots)})`,
			);
		}
		const widest = Math.max(1, m.contiguousSlots, m.pagedSlots);
		bar(this.ref('bar-paged'), this.ref('bar-paged-held'), m.pagedSlots / widest, m.heldTokens / widest);
		bar(this.ref('bar-contiguous'), this.ref('bar-contiguous-held'), m.contiguousSlots / widest, m.heldTokens / widest);
		this.dataset.usedBlocks = String(table.usedBlocks);
		this.dataset.pagedWaste = String(m.pagedWaste);
		this.dataset.contiguousWaste = String(m.contiguousWaste);

		const lines = view.notes.map((n) => `Request ${requestLabel(n.request)} ${n.detail}.`);
		if (notes.childElementCount !== lines.length || [...notes.children].some((li, i) => li.textContent !== lines[i]))
			notes.replaceChildren(
				...lines.map((text, i) => {
					const li = document.createElement('li');
					li.textContent = text;
					li.dataset.kind = view.notes[i]!.kind;
					return li;
				}),
			);
		const rows = table.tables.map((t) => [requestLabel(t.request), String(t.tokens), t.blocks.join(', ')]);
		const key = JSON.stringify(rows);
		if (body.dataset.key !== key) {
			body.dataset.key = key;
			body.replaceChildren(
				...rows.map((cells, i) => {
					const tr = document.createElement('tr');
					const head = document.createElement('th');
					head.scope = 'row';
					head.textContent = cells[0]!;
					head.style.setProperty('--hue', String(requestHue(table.tables[i]!.request)));
					tr.append(head);
					for (const text of cells.slice(1)) {
						const td = document.createElement('td');
						td.textContent = text;
						tr.append(td);
					}
					return tr;
				}),
			);
		}
	}
}

function share(part: number, whole: number): string {
	return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '0%';
}

function bar(outer: HTMLElement, held: HTMLElement, width: number, filled: number): void {
	outer.style.inlineSize = `${(width * 100).toFixed(2)}%`;
	held.style.inlineSize = width > 0 ? `${((filled / width) * 100).toFixed(2)}%` : '0';
}

define('rc-blocks', RunBlocks);
