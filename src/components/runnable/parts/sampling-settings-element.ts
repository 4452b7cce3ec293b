/**
 * `<rc-sampling-settings for="run">`: the sampling demo's fields for the next run. Typing tells the
 * runs' panels at once (a paused step's bars redraw) without touching the fields; leaving a field,
 * or starting a run, replaces any unusable value with the one used and says why until that field is edited.
 */
import { readSamplingFields, shownTemperature } from '../sampling-form';
import { NUMBER_LABELS, type LinkState, type ReaderSettings } from '../settings';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

/** Each field's name in the messages about it, by its `data-rc`. */
const FIELD_NAMES: Record<string, string> = {
	prompt: 'The prompt',
	max: NUMBER_LABELS.maxNewTokens,
	temperature: NUMBER_LABELS.temperature,
	topk: NUMBER_LABELS.topK,
	topp: NUMBER_LABELS.topP,
	seed: NUMBER_LABELS.seed,
};

/** Dispatched on each run's element whenever a field changes: panels that preview settings redraw. */
export const SETTINGS_INPUT = 'rc-settings-input';

class SamplingSettings extends RunPanel {
	private linkNote = '';
	/** What was replaced, by field, said until the reader edits that field. */
	private replaced = new Map<string, string>();

	protected override wire(): void {
		for (const run of this.runs) {
			run.settingsPanel ??= this;
			this.write(run.config.defaults, run);
		}
		const form = this.ref<HTMLFormElement>('form');
		form.addEventListener('submit', (e) => e.preventDefault());
		form.addEventListener('input', (e) => {
			this.linkNote = '';
			this.replaced.delete(FIELD_NAMES[(e.target as HTMLElement).dataset.rc ?? ''] ?? '');
			this.sayReplaced();
			this.announce();
		});
		form.addEventListener('change', () => {
			this.check();
			this.announce();
		});
	}

	protected paint(): void {}

	/** The settings for run `runId`, with unusable values replaced in the fields and said in the note. */
	read(fallback?: ReaderSettings, runId?: string): ReaderSettings {
		return this.check().get(this.runFor(runId)) ?? this.peek(runId, fallback);
	}

	/** The settings the fields give now for run `runId`, touching nothing. */
	peek(runId?: string, fallback?: ReaderSettings): ReaderSettings {
		const run = this.runFor(runId);
		return readSamplingFields(this.raw(run), fallback ?? run.config.defaults).settings;
	}

	showLink(link: LinkState & { problems: string[] }): void {
		const run = this.runs.find((r) => r.config.id === link.blockId) ?? this.run;
		this.write(link.settings, run);
		this.linkNote = link.problems.length ? `The link's settings were adjusted: ${link.problems.join(' ')}` : '';
		setText(this.ref('settings-note'), this.linkNote);
		this.announce();
	}

	/** Reads every run's settings, writes back what had to change and says so once. */
	private check(): Map<RunBlock, ReaderSettings> {
		const all = new Map<RunBlock, ReaderSettings>();
		for (const run of this.runs) {
			const read = readSamplingFields(this.raw(run), run.config.defaults);
			all.set(run, read.settings);
			for (const p of read.problems)
				this.replaced.set(Object.values(FIELD_NAMES).find((name) => p.startsWith(name)) ?? p, p);
			if (read.problems.length) this.write(read.settings, run);
		}
		this.sayReplaced();
		return all;
	}

	private sayReplaced(): void {
		const said = [...this.replaced.values()];
		setText(this.ref('settings-note'), said.length ? `Adjusted: ${said.join(' ')}` : this.linkNote);
	}

	private announce(): void {
		for (const run of this.runs) run.dispatchEvent(new CustomEvent(SETTINGS_INPUT));
	}

	private runFor(runId: string | undefined): RunBlock {
		return this.runs.find((r) => r.config.id === runId) ?? this.run;
	}

	private raw(run: RunBlock) {
		return {
			prompt: this.optional('prompt')?.value,
			maxNewTokens: this.numberValue(this.optional('max')),
			temperature: this.numberValue(this.optional('temperature')),
			topK: this.numberValue(this.optional('topk')),
			topP: this.numberValue(this.optional('topp')),
			seed: this.numberValue(this.seedField(run)),
		};
	}

	/** A field's text; one the browser could not read as a number (e.g. "1e") is not a number, not empty. */
	private numberValue(input: HTMLInputElement | null): string | number | undefined {
		if (!input) return undefined;
		return input.validity.badInput ? Number.NaN : input.value;
	}

	private write(s: ReaderSettings, run: RunBlock): void {
		const set = (el: HTMLInputElement | HTMLTextAreaElement | null, value: string | number) => {
			if (el && el.value !== String(value)) el.value = String(value);
		};
		set(this.optional('prompt'), s.prompt);
		set(this.optional('max'), s.maxNewTokens);
		set(this.optional('temperature'), shownTemperature(s));
		set(this.optional('topk'), s.topK);
		set(this.optional('topp'), s.topP);
		set(this.seedField(run), s.seed);
	}

	private seedField(run: RunBlock): HTMLInputElement | null {
		return (
			this.querySelector<HTMLInputElement>(`[data-rc="seed"][data-seed-for="${run.config.id}"]`) ??
			this.querySelector<HTMLInputElement>('[data-rc="seed"]:not([data-seed-for])')
		);
	}

	private optional<T extends HTMLInputElement = HTMLInputElement>(name: string): T | null {
		return this.querySelector<T>(`[data-rc="${name}"]`);
	}
}

define('rc-sampling-settings', SamplingSettings);
