/**
 * `<rc-settings for="run">`: the reader's settings for the next run. The run reads them when it
 * starts; a deep link writes its settings here and says what it had to adjust.
 */
import { normaliseSettings, type LinkState, type ReaderSettings } from '../settings';
import { define, RunPanel, setText } from './panel';

class RunSettings extends RunPanel {
	private form!: HTMLFormElement;

	override connectedCallback(): void {
		this.form ??= this.ref<HTMLFormElement>('form');
		super.connectedCallback();
	}

	protected override wire(): void {
		const run = this.run;
		for (const each of this.runs) each.settingsPanel ??= this;
		this.write(run.config.defaults);
		this.form.addEventListener('submit', (e) => e.preventDefault());
		this.form.addEventListener('change', () => this.summarise());
	}

	protected paint(): void {}

	/** The settings in the form; what it does not offer (a shared form's loop mode) comes from `fallback`. */
	read(fallback: ReaderSettings = this.run.config.defaults): ReaderSettings {
		const { settings, problems } = normaliseSettings(
			{
				prompt: this.field('prompt').value,
				maxNewTokens: this.number('max'),
				mode: this.checked('mode'),
				strategy: this.checked('strategy'),
				temperature: this.number('temperature'),
				topK: this.number('topk'),
				topP: this.number('topp'),
				seed: this.number('seed'),
			},
			fallback,
		);
		setText(this.ref('settings-note'), problems.length ? `Adjusted: ${problems.join(' ')}` : '');
		if (problems.length) this.write(settings);
		return settings;
	}

	showLink(link: LinkState & { problems: string[] }): void {
		this.write(link.settings);
		const d = this.run.config.defaults;
		if (link.settings.mode !== d.mode || link.settings.strategy !== d.strategy) this.ref<HTMLDetailsElement>('more').open = true;
		if (link.problems.length) setText(this.ref('settings-note'), `The link's settings were adjusted: ${link.problems.join(' ')}`);
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
		const how = sampling ? `sampling (temperature ${t}, top-k ${this.field('topk').value}, top-p ${this.field('topp').value}, seed ${this.field('seed').value})` : 'greedy';
		const mode = this.checked('mode');
		setText(this.ref('more-summary'), mode ? `${mode === 'cached' ? 'KV cache' : 'naive'}, ${how}` : how);
	}

	/** A number field's text; one the browser cannot read as a number reports as such, not as empty. */
	private number(name: string): string {
		const field = this.field(name);
		return field.validity.badInput ? 'not a number' : field.value;
	}

	private field(name: string): HTMLInputElement {
		return this.ref<HTMLInputElement>(name);
	}

	private checked(name: string): string | undefined {
		return this.querySelector<HTMLInputElement>(`[data-rc="${name}"]:checked`)?.value;
	}
}

define('rc-settings', RunSettings);
