/**
 * `<rc-settings for="run">`: the reader's settings for the next run. The run reads them when it
 * starts and the form says what it had to adjust; a deep link writes its settings here and says
 * what it adjusted until the reader edits them.
 */
import { LIMITS, normaliseSettings, plural, type LinkState, type ReaderSettings } from '../settings';
import { define, RunPanel, setText } from './panel';

class RunSettings extends RunPanel {
	private form!: HTMLFormElement;
	/** What a deep link's values needed, said until the reader edits the form. */
	private linkNote = '';

	override connectedCallback(): void {
		this.form ??= this.ref<HTMLFormElement>('form');
		super.connectedCallback();
	}

	protected override wire(): void {
		const run = this.run;
		for (const each of this.runs) each.settingsPanel ??= this;
		this.write(run.config.defaults);
		this.form.addEventListener('submit', (e) => e.preventDefault());
		// The summary follows every keystroke, so leaving a field (the mousedown on Run or on a
		// radio) changes nothing on screen and the button stays under the pointer until mouseup.
		this.form.addEventListener('input', () => {
			this.linkNote = '';
			this.summarise();
		});
		this.form.addEventListener('change', () => this.summarise());
		this.field('prompt').addEventListener('paste', (e) => this.notePasteCut(e));
	}

	protected paint(): void {}

	/** The settings in the form; what it does not offer (a shared form's loop mode) comes from `fallback`. */
	read(fallback: ReaderSettings = this.run.config.defaults): ReaderSettings {
		const { settings, problems } = normaliseSettings(
			{
				prompt: this.field('prompt').value,
				maxNewTokens: this.numberValue('max'),
				mode: this.checked('mode'),
				strategy: this.checked('strategy'),
				temperature: this.numberValue('temperature'),
				topK: this.numberValue('topk'),
				topP: this.numberValue('topp'),
				seed: this.numberValue('seed'),
			},
			fallback,
		);
		setText(this.ref('settings-note'), problems.length ? `Adjusted: ${problems.join(' ')}` : this.linkNote);
		if (problems.length) this.write(settings);
		return settings;
	}

	showLink(link: LinkState & { problems: string[] }): void {
		this.write(link.settings);
		const d = this.run.config.defaults;
		if (link.settings.mode !== d.mode || link.settings.strategy !== d.strategy)
			this.ref<HTMLDetailsElement>('more').open = true;
		this.linkNote = link.problems.length ? `The link's settings were adjusted: ${link.problems.join(' ')}` : '';
		setText(this.ref('settings-note'), this.linkNote);
	}

	/** The box's maxlength cuts a paste silently; say so. */
	private notePasteCut(e: ClipboardEvent): void {
		const box = this.field('prompt');
		const pasted = e.clipboardData?.getData('text/plain') ?? '';
		const room = LIMITS.promptLength - (box.value.length - ((box.selectionEnd ?? 0) - (box.selectionStart ?? 0)));
		const cut = pasted.length - Math.max(0, room);
		if (cut <= 0) return;
		setText(
			this.ref('settings-note'),
			`The prompt box takes at most ${LIMITS.promptLength} characters: ${plural(cut, 'character')} of the pasted text ${cut === 1 ? 'was' : 'were'} left out.`,
		);
	}

	/** A number field's text; one the browser could not read as a number (e.g. "1e") is not a number, not empty. */
	private numberValue(name: string): string | number {
		const input = this.field(name);
		return input.validity.badInput ? Number.NaN : input.value;
	}

	private write(s: ReaderSettings): void {
		this.field('prompt').value = s.prompt;
		this.field('max').value = String(s.maxNewTokens);
		this.field('temperature').value = String(s.temperature);
		this.field('topk').value = String(s.topK);
		this.field('topp').value = String(s.topP);
		this.field('seed').value = String(s.seed);
		for (const r of this.querySelectorAll<HTMLInputElement>('[data-rc="mode"]')) r.checked = r.value === s.mode;
		for (const r of this.querySelectorAll<HTMLInputElement>('[data-rc="strategy"]')) r.checked = r.value === s.strategy;
		this.summarise();
	}

	/** The disclosure's summary says what is selected; the sampling fields apply only when sampling. */
	private summarise(): void {
		const sampling = this.checked('strategy') === 'sample';
		this.ref<HTMLFieldSetElement>('sampling').disabled = !sampling;
		const t = this.field('temperature').value;
		const how = sampling
			? `sampling (temperature ${t}, top-k ${this.field('topk').value}, top-p ${this.field('topp').value}, seed ${this.field('seed').value})`
			: 'greedy';
		const mode = this.checked('mode');
		setText(this.ref('more-summary'), mode ? `${mode === 'cached' ? 'KV cache' : 'naive'}, ${how}` : how);
	}

	private field(name: string): HTMLInputElement {
		return this.ref<HTMLInputElement>(name);
	}

	private checked(name: string): string | undefined {
		return this.querySelector<HTMLInputElement>(`[data-rc="${name}"]:checked`)?.value;
	}
}

define('rc-settings', RunSettings);
