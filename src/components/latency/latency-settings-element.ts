/**
 * `<rc-latency-settings for="run">`: the run's settings panel for lesson 3. The reader chooses
 * lengths, not text: the prompt is the passage's first k tokens. On every Run it checks the two
 * lengths, writes the values it used back into the fields and says what it changed.
 */
import { define, RunPanel, setText } from '../runnable/parts/panel';
import type { ReaderSettings } from '../runnable/settings';
import { readLengths, type Lengths } from './lengths';
import { promptOfLength } from './passage';

export class LatencySettings extends RunPanel {
	private defaults!: Lengths;

	protected override wire(): void {
		this.defaults = {
			promptTokens: Number(this.dataset.promptTokens),
			outputTokens: Number(this.dataset.outputTokens),
		};
		this.run.settingsPanel = this;
		this.write(this.defaults);
		const form = this.ref<HTMLFormElement>('form');
		form.addEventListener('submit', (e) => e.preventDefault());
		form.addEventListener('input', () => {
			setText(this.ref('lengths-note'), '');
			const typed = Number(this.field('prompt-tokens').value);
			if (Number.isInteger(typed) && typed >= 1) {
				const { lengths } = readLengths({ promptTokens: typed, outputTokens: 1 }, this.defaults);
				setText(this.ref('prompt-text'), promptOfLength(lengths.promptTokens));
			}
		});
	}

	protected paint(): void {}

	/** The lengths to run with; fixes the fields and says what it changed. */
	lengths(): Lengths {
		const { lengths, problems } = readLengths(
			{ promptTokens: this.numberValue('prompt-tokens'), outputTokens: this.numberValue('output-tokens') },
			this.defaults,
		);
		setText(this.ref('lengths-note'), problems.length ? `Adjusted: ${problems.join(' ')}` : '');
		if (problems.length) this.write(lengths);
		return lengths;
	}

	/** The run's settings (SettingsPanel): greedy, cached, the passage's prefix as the prompt. */
	read(fallback: ReaderSettings = this.run.config.defaults): ReaderSettings {
		const { promptTokens, outputTokens } = this.lengths();
		return { ...fallback, prompt: promptOfLength(promptTokens), maxNewTokens: outputTokens, strategy: 'greedy' };
	}

	/** A deep link carries text, not lengths: this panel keeps its lengths and says so. */
	showLink(): void {
		setText(this.ref('lengths-note'), 'This demo runs the lengths in the form, not a prompt from the link.');
	}

	private write(l: Lengths): void {
		this.field('prompt-tokens').value = String(l.promptTokens);
		this.field('output-tokens').value = String(l.outputTokens);
		setText(this.ref('prompt-text'), promptOfLength(l.promptTokens));
	}

	/** A field the browser could not read as a number (e.g. "1e") is not a number, not empty. */
	private numberValue(name: string): string | number {
		const input = this.field(name);
		return input.validity.badInput ? Number.NaN : input.value;
	}

	private field(name: string): HTMLInputElement {
		return this.ref<HTMLInputElement>(name);
	}
}

define('rc-latency-settings', LatencySettings);
