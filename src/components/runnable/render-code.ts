/**
 * Lights the listing: the lines of the current step get `aria-current="step"` (plus a ▶ marker in
 * CSS, so colour is not the only signal); the previous step's lines stay faintly marked.
 */
export class CodeHighlighter {
	private readonly byStep = new Map<string, HTMLElement[]>();
	private current: HTMLElement[] = [];
	private previous: HTMLElement[] = [];
	private pending: HTMLElement[] = [];

	constructor(readonly pre: HTMLElement) {
		for (const line of pre.querySelectorAll<HTMLElement>('.line[data-step]')) {
			for (const step of (line.dataset.step ?? '').split(/\s+/) as string[]) {
				if (!step) continue;
				const list = this.byStep.get(step) ?? [];
				list.push(line);
				this.byStep.set(step, list);
			}
		}
	}

	has(step: string): boolean {
		return this.byStep.has(step);
	}

	/** The source text of the lines of `step`. */
	linesOf(step: string | undefined): string[] {
		return step ? (this.byStep.get(step) ?? []).map((l) => l.textContent ?? '') : [];
	}

	/** Shows `step` as current and `prev` as previous. A step with no annotated lines keeps the last lit lines. */
	show(step: string | undefined, prev: string | undefined): void {
		const next = step ? (this.byStep.get(step) ?? []) : [];
		const before = prev && prev !== step ? (this.byStep.get(prev) ?? []) : [];
		for (const line of this.current) if (!next.includes(line)) line.removeAttribute('aria-current');
		for (const line of this.previous) if (!before.includes(line)) line.classList.remove('rc-prev');
		for (const line of next) {
			line.setAttribute('aria-current', 'step');
			line.classList.remove('rc-prev');
		}
		for (const line of before) if (!next.includes(line)) line.classList.add('rc-prev');
		this.current = next;
		this.previous = before.filter((l) => !next.includes(l));
	}

	/** Marks the lines of a step that is in progress (the forward pass before its event arrives). */
	showPending(step: string | undefined): void {
		for (const line of this.pending) line.classList.remove('rc-pending');
		this.pending = step ? (this.byStep.get(step) ?? []) : [];
		for (const line of this.pending) line.classList.add('rc-pending');
	}

	clear(): void {
		this.show(undefined, undefined);
		this.showPending(undefined);
	}
}
