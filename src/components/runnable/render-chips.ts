/**
 * The token sequence as chips: prompt tokens and generated ones look different (border style and
 * a legend, not only colour). The list is one tab stop; arrow keys move between chips, and the
 * focused or hovered chip shows its id.
 */
import type { TokenChip } from './view-model';
import { visibleWhitespace } from './view-model';

export class ChipList {
	private rendered: TokenChip[] = [];
	/** The end-of-sequence id, shown as ⟨eos⟩ rather than as its (often empty) text. */
	eosId: number | undefined;
	private active = 0;

	constructor(readonly list: HTMLOListElement) {
		list.addEventListener('keydown', (event) => this.onKey(event));
		list.addEventListener('focusin', (event) => {
			const chip = (event.target as HTMLElement).closest<HTMLElement>('.rc-chip');
			if (chip) this.setActive(Number(chip.dataset.pos));
		});
	}

	update(tokens: readonly TokenChip[]): void {
		const same = this.rendered.length <= tokens.length && this.rendered.every((t, i) => t === tokens[i]);
		if (!same) {
			this.list.replaceChildren();
			this.rendered = [];
		}
		const fragment = document.createDocumentFragment();
		for (let i = this.rendered.length; i < tokens.length; i++) fragment.append(this.chip(tokens[i]!, i));
		this.list.append(fragment);
		this.rendered = [...tokens];
		if (this.active >= tokens.length) this.active = Math.max(0, tokens.length - 1);
		this.syncTabStop();
	}

	private chip(token: TokenChip, pos: number): HTMLLIElement {
		const li = document.createElement('li');
		li.dataset.pos = String(pos);
		li.tabIndex = -1;
		if (token.pad) {
			li.className = 'rc-chip rc-chip--pad';
			li.dataset.pad = '';
			li.textContent = 'pad';
			li.setAttribute('aria-label', `padding column ${pos + 1}, masked`);
			return li;
		}
		li.className = `rc-chip ${token.generated ? 'rc-chip--gen' : 'rc-chip--prompt'}`;
		li.dataset.id = String(token.id);
		li.tabIndex = -1;
		const text = token.id === this.eosId ? '⟨eos⟩' : visibleWhitespace(token.token) || '∅';
		li.textContent = text;
		li.title = `id ${token.id}`;
		li.setAttribute(
			'aria-label',
			`${token.generated ? 'generated' : 'prompt'} token ${pos + 1}: “${text}”, id ${token.id}`,
		);
		return li;
	}

	private setActive(pos: number): void {
		this.active = pos;
		this.syncTabStop();
	}

	private syncTabStop(): void {
		const chips = this.list.children;
		for (let i = 0; i < chips.length; i++) (chips[i] as HTMLElement).tabIndex = i === this.active ? 0 : -1;
	}

	private onKey(event: KeyboardEvent): void {
		const count = this.list.children.length;
		if (!count) return;
		let next = this.active;
		if (event.key === 'ArrowRight' || event.key === 'ArrowDown') next = Math.min(count - 1, this.active + 1);
		else if (event.key === 'ArrowLeft' || event.key === 'ArrowUp') next = Math.max(0, this.active - 1);
		else if (event.key === 'Home') next = 0;
		else if (event.key === 'End') next = count - 1;
		else return;
		event.preventDefault();
		event.stopPropagation();
		this.setActive(next);
		(this.list.children[next] as HTMLElement).focus();
	}
}
