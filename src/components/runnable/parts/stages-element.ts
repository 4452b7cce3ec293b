/**
 * `<rc-stages for="run">`: the candidates of the step on screen through each sampling stage, drawn
 * from that step's logits for the settings in the form. Moving a control redraws them on the spot:
 * the step's logits are reused, the model does not run, and the run's step count stays where it is.
 */
import { tokenLabel, renderStages } from '../render-stages';
import { stageTable, type StageChoice } from '../stage-table';
import { shownTemperature } from '../sampling-form';
import { currentView } from '../view-model';
import { define, RunPanel, setText, show } from './panel';
import type { RunBlock } from './run-element';
import { SETTINGS_INPUT } from './sampling-settings-element';

/** A screen reader hears the latest summary once the reader stops moving a control this long. */
const ANNOUNCE_AFTER_MS = 700;

class SamplingStagesPanel extends RunPanel {
	private drawnFor: { logits: unknown; key: string } | undefined;
	private announceTimer: ReturnType<typeof setTimeout> | undefined;
	/** How many times the bars were drawn (tests read it to see a redraw happen). */
	private draws = 0;
	/** The redraw was the reader's doing (a control moved), not the run's: worth announcing. */
	private moved = false;

	protected override wire(): void {
		this.run.addEventListener(SETTINGS_INPUT, () => {
			this.moved = true;
			this.paint(this.run);
		});
	}

	protected paint(run: RunBlock): void {
		const moved = this.moved;
		this.moved = false;
		const view = currentView(run.controller);
		const step = view.logits;
		show(this.ref('stages-empty'), !step);
		show(this.ref('stages-region'), Boolean(step));
		if (!step || step.values.kind !== 'all') {
			setText(this.ref('stages-draw'), '');
			return;
		}
		const settings = run.settingsPanel?.peek?.(run.config.id) ?? run.controller.settings ?? run.config.defaults;
		const choice: StageChoice = {
			temperature: shownTemperature(settings),
			topK: settings.topK,
			topP: settings.topP,
			seed: settings.seed,
		};
		const key = JSON.stringify([choice, step.iteration, view.chosen?.id]);
		if (this.drawnFor?.logits === step.values && this.drawnFor.key === key) return;
		this.drawnFor = { logits: step.values, key };
		// The run's pick gets a row even when it was not among the top candidates (sampling can pick one).
		const chosen = view.chosen;
		const candidates =
			chosen && !view.candidates.some((c) => c.id === chosen.id) ? [...view.candidates, chosen] : view.candidates;
		const table = stageTable(step.values.values, candidates, choice, step.iteration);
		const eosId = run.controller.info?.eosId;
		renderStages(this.ref<HTMLTableElement>('stages-table'), table, { picked: view.chosen?.id, eosId });
		this.dataset.draws = String(++this.draws);
		setText(this.ref('stages-step'), `(step ${step.iteration + 1}, from its own logits; no new forward pass)`);
		const token = (id: number) => tokenLabel(id, candidates.find((c) => c.id === id)?.token, eosId);
		const drawn =
			table.draw.u === null
				? `Temperature 0 is greedy: it takes the top token, ${token(table.draw.id)}, and draws no random number.`
				: `With seed ${choice.seed}, this step's random number is u = ${table.draw.u.toFixed(3)}; laid out most likely first, it lands on ${token(table.draw.id)}.`;
		setText(this.ref('stages-draw'), drawn);
		if (!moved) return;
		const last = table.columns[table.columns.length - 1]!;
		this.announce(
			`${last.kept.toLocaleString('en-US')} of ${table.vocabSize.toLocaleString('en-US')} tokens survive; these settings pick ${token(table.draw.id)}.`,
		);
	}

	/** One polite announcement after the reader pauses, never one per keystroke. */
	private announce(text: string): void {
		clearTimeout(this.announceTimer);
		this.announceTimer = setTimeout(() => setText(this.ref('stages-live'), text), ANNOUNCE_AFTER_MS);
	}
}

define('rc-stages', SamplingStagesPanel);
