/**
 * `<rc-batch-size for="run">`: B, the number of rows of a batched run. A run takes the first B
 * lines of the prompt box (the page's prompts fill rows the box lacks) and the box then shows
 * exactly the rows that ran; typing in the box sets B to its number of lines.
 */
import { BATCH_LIMITS, parseBatchSize, rowsForBatch } from '../batch-sweep';
import { afterParts } from '../run-registry';
import { promptRows } from '../settings';
import { define, RunPanel, setText } from './panel';

export class BatchSize extends RunPanel {
	private defaults: string[] = [];

	protected override wire(): void {
		this.defaults = JSON.parse(this.dataset.prompts ?? '[]') as string[];
		const field = this.ref<HTMLInputElement>('batch-size');
		field.addEventListener('change', () => this.setSize(this.size()));
		// The settings form joins the run in the same turn; wrap its reading once it has.
		afterParts(() => {
			const run = this.run;
			const form = run.settingsPanel;
			const box = this.promptBox();
			if (!form || !box) {
				console.error(`<rc-batch-size for="${run.config.id}"> needs a <Settings> for the same run.`);
				return;
			}
			box.addEventListener('input', () => this.followBox(box));
			run.settingsPanel = {
				read: (fallback) => {
					const s = form.read(fallback);
					const prompt = rowsForBatch(promptRows(s.prompt), this.defaults, this.size()).join('\n');
					if (box.value !== prompt) box.value = prompt;
					return { ...s, prompt };
				},
				showLink: (link) => {
					form.showLink(link);
					this.followBox(box);
				},
			};
			this.followBox(box);
		});
	}

	protected paint(): void {}

	/** B as the field has it, corrected (and said so) when it is not a whole number in range. */
	size(): number {
		const field = this.ref<HTMLInputElement>('batch-size');
		const raw = field.validity.badInput ? 'not a number' : field.value;
		const fallback = Math.min(BATCH_LIMITS.max, promptRows(this.promptBox()?.value ?? '').length);
		const { size, problem } = parseBatchSize(raw, fallback);
		if (problem) field.value = String(size);
		setText(this.ref('batch-note'), problem ? `Adjusted: ${problem}` : '');
		return size;
	}

	/** Sets B and writes that many rows into the prompt box. */
	setSize(size: number): void {
		const field = this.ref<HTMLInputElement>('batch-size');
		field.value = String(size);
		const box = this.promptBox();
		if (box) box.value = rowsForBatch(promptRows(box.value), this.defaults, size).join('\n');
	}

	private followBox(box: HTMLTextAreaElement): void {
		const lines = promptRows(box.value).length;
		this.ref<HTMLInputElement>('batch-size').value = String(Math.min(lines, BATCH_LIMITS.max));
		setText(
			this.ref('batch-note'),
			lines > BATCH_LIMITS.max
				? `The prompt box has ${lines} lines; B is at most ${BATCH_LIMITS.max}, so a run takes the first ${BATCH_LIMITS.max}.`
				: '',
		);
	}

	private promptBox(): HTMLTextAreaElement | null {
		const id = this.run.config.id;
		for (const form of document.querySelectorAll<HTMLElement>('rc-settings')) {
			if ((form.getAttribute('for') ?? '').split(/\s+/).includes(id))
				return form.querySelector<HTMLTextAreaElement>('[data-rc="prompt"]');
		}
		return null;
	}
}

define('rc-batch-size', BatchSize);
