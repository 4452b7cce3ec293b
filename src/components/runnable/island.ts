/**
 * The runnable block's island: a small vanilla module. It wires the controls, drives a run of the
 * real loop (from src/runtime, imported on first Run), and paints the events: the lit code line,
 * the token chips, the candidates, the timings. DOM updates are batched per animation frame.
 */
import type { LoadProgress, LoopStep, StepEvent } from '../../runtime/events';
import { copyToClipboard } from '../clipboard';
import { askLinks, type AskContext } from './ask-ai';
import { CandidateBars } from './render-candidates';
import { TimingChart } from './render-chart';
import { ChipList } from './render-chips';
import { CodeHighlighter } from './render-code';
import { ensureModel, failureMessage, prefetchRuntime, toFailure, type ModelInfo, type RunHandle } from './runtime-adapter';
import { buildLink, normaliseSettings, parseLink, toGenerateSettings, type ReaderSettings, type Speed } from './settings';
import { applyEvent, describeReason, describeStep, emptyView, formatMs, viewAt, type ViewState } from './view-model';

export type BlockState = 'idle' | 'loading' | 'running' | 'paused' | 'done' | 'error';

interface ClientConfig {
	id: string;
	title: string;
	defaults: ReaderSettings;
	speed: Speed;
	topCandidates: number;
}

/** Slow motion: how long each event stays on screen. */
const SLOW_DWELL_MS = 650;
/** At full speed tokens arrive every few milliseconds, and each repaint costs a style and layout
 *  pass that competes with the model for the CPU (the bench measured ~10 ms a token). Ten paints a
 *  second still reads as streaming. */
const REALTIME_PAINT_MS = 100;
/** Stop must end the run within a second; after this the block gives up waiting for the runtime. */
const STOP_GRACE_MS = 800;

function must<T extends Element>(root: ParentNode, name: string): T {
	const el = root.querySelector<T>(`[data-rc="${name}"]`);
	if (!el) throw new Error(`RunnableCode: missing [data-rc="${name}"]`);
	return el;
}

class RunnableBlock {
	readonly id: string;
	private readonly config: ClientConfig;
	private state: BlockState = 'idle';
	private speed: Speed;
	private handle: RunHandle | undefined;
	/** Increases with every run; events of an older run are ignored. */
	private generation = 0;
	private events: StepEvent[] = [];
	private view: ViewState = emptyView();
	/** Index shown while scrubbing; undefined: follow the live run. */
	private scrubIndex: number | undefined;
	private runSettings: ReaderSettings;
	private dwellTimer: ReturnType<typeof setTimeout> | undefined;
	private dwellAfterPaint = false;
	private stopTimer: ReturnType<typeof setTimeout> | undefined;
	private frame = 0;
	private paintTimer: ReturnType<typeof setTimeout> | undefined;
	private lastPaint = 0;
	/** The step shown as in progress; written to the DOM in paint(), not per event. */
	private pendingStep: LoopStep | undefined;
	private info: ModelInfo | undefined;
	/** Deep link: the event index to open at once the run is recorded. */
	private target: number | undefined;
	private lastFailure = '';
	private outShown = '';

	private readonly el: {
		code: HTMLElement;
		status: HTMLElement;
		backend: HTMLElement;
		progress: HTMLElement;
		progressBar: HTMLProgressElement;
		progressLabel: HTMLElement;
		error: HTMLElement;
		errorMessage: HTMLElement;
		samplingNote: HTMLElement;
		run: HTMLButtonElement;
		runLabel: HTMLElement;
		pause: HTMLButtonElement;
		pauseLabel: HTMLElement;
		step: HTMLButtonElement;
		stop: HTMLButtonElement;
		reset: HTMLButtonElement;
		prompt: HTMLTextAreaElement;
		max: HTMLInputElement;
		temperature: HTMLInputElement;
		topk: HTMLInputElement;
		topp: HTMLInputElement;
		seed: HTMLInputElement;
		sampling: HTMLFieldSetElement;
		settingsNote: HTMLElement;
		stepCounter: HTMLElement;
		stepDesc: HTMLElement;
		forwardDesc: HTMLElement;
		idsCount: HTMLElement;
		candsNote: HTMLElement;
		chartDesc: HTMLElement;
		stats: HTMLElement;
		ttft: HTMLElement;
		tps: HTMLElement;
		total: HTMLElement;
		outPrompt: HTMLElement;
		outGen: HTMLElement;
		doneDesc: HTMLElement;
		scrub: HTMLElement;
		slider: HTMLInputElement;
		scrubValue: HTMLOutputElement;
		prev: HTMLButtonElement;
		next: HTMLButtonElement;
		copyLink: HTMLButtonElement;
		shareStatus: HTMLElement;
	};
	private readonly code: CodeHighlighter;
	private readonly chips: ChipList;
	private readonly cands: CandidateBars;
	private readonly chart: TimingChart;

	constructor(readonly root: HTMLElement) {
		this.config = JSON.parse(root.dataset.config ?? '{}') as ClientConfig;
		this.id = this.config.id;
		this.speed = this.config.speed;
		this.runSettings = this.config.defaults;
		const q = <T extends Element = HTMLElement>(name: string) => must<T>(root, name);
		this.el = {
			code: q('code'),
			status: q('status'),
			backend: q('backend'),
			progress: q('progress'),
			progressBar: q('progress-bar'),
			progressLabel: q('progress-label'),
			error: q('error'),
			errorMessage: q('error-message'),
			samplingNote: q('sampling-note'),
			run: q('run'),
			runLabel: q('run-label'),
			pause: q('pause'),
			pauseLabel: q('pause-label'),
			step: q('step'),
			stop: q('stop'),
			reset: q('reset'),
			prompt: q('prompt'),
			max: q('max'),
			temperature: q('temperature'),
			topk: q('topk'),
			topp: q('topp'),
			seed: q('seed'),
			sampling: q('sampling'),
			settingsNote: q('settings-note'),
			stepCounter: q('step-counter'),
			stepDesc: q('step-desc'),
			forwardDesc: q('forward-desc'),
			idsCount: q('ids-count'),
			candsNote: q('cands-note'),
			chartDesc: q('chart-desc'),
			stats: q('stats'),
			ttft: q('ttft'),
			tps: q('tps'),
			total: q('total'),
			outPrompt: q('out-prompt'),
			outGen: q('out-gen'),
			doneDesc: q('done-desc'),
			scrub: q('scrub'),
			slider: q('slider'),
			scrubValue: q('scrub-value'),
			prev: q('prev'),
			next: q('next'),
			copyLink: q('copy-link'),
			shareStatus: q('share-status'),
		};
		const pre = this.el.code.querySelector<HTMLElement>('pre');
		if (!pre) throw new Error('RunnableCode: no <pre> in the listing');
		this.code = new CodeHighlighter(pre);
		this.chips = new ChipList(q<HTMLOListElement>('chips'));
		this.cands = new CandidateBars(q<HTMLOListElement>('cands'));
		this.chart = new TimingChart(q('chart'));

		this.writeSettings(this.config.defaults);
		this.writeSpeed(this.speed);
		this.wire();
		must<HTMLElement>(root, 'app').hidden = false;
		this.setState('idle');

		const link = parseLink(location.href, this.id, this.config.defaults);
		if (link) {
			this.writeSettings(link.settings);
			const d = this.config.defaults;
			if (link.settings.mode !== d.mode || link.settings.strategy !== d.strategy) must<HTMLDetailsElement>(root, 'more').open = true;
			if (link.problems.length) this.el.settingsNote.textContent = `The link's settings were adjusted: ${link.problems.join(' ')}`;
			void this.run({ speed: 'realtime', target: link.step });
		}
	}

	// ---- settings -------------------------------------------------------------------------

	private writeSettings(s: ReaderSettings): void {
		this.el.prompt.value = s.prompt;
		this.el.max.value = String(s.maxNewTokens);
		this.el.temperature.value = String(s.temperature);
		this.el.topk.value = String(s.topK);
		this.el.topp.value = String(s.topP);
		this.el.seed.value = String(s.seed);
		for (const r of this.root.querySelectorAll<HTMLInputElement>('[data-rc="mode"]')) r.checked = r.value === s.mode;
		for (const r of this.root.querySelectorAll<HTMLInputElement>('[data-rc="strategy"]')) r.checked = r.value === s.strategy;
		this.syncSamplingFields();
	}

	private readSettings(): ReaderSettings {
		const radio = (name: string) => this.root.querySelector<HTMLInputElement>(`[data-rc="${name}"]:checked`)?.value;
		const { settings, problems } = normaliseSettings(
			{
				prompt: this.el.prompt.value,
				maxNewTokens: this.el.max.value,
				mode: radio('mode'),
				strategy: radio('strategy'),
				temperature: this.el.temperature.value,
				topK: this.el.topk.value,
				topP: this.el.topp.value,
				seed: this.el.seed.value,
			},
			this.config.defaults,
		);
		this.el.settingsNote.textContent = problems.length ? `Adjusted: ${problems.join(' ')}` : '';
		if (problems.length) this.writeSettings(settings);
		return settings;
	}

	private syncSamplingFields(): void {
		const radio = (name: string) => this.root.querySelector<HTMLInputElement>(`[data-rc="${name}"]:checked`)?.value;
		const sampling = radio('strategy') === 'sample';
		this.el.sampling.disabled = !sampling;
		const summary = this.root.querySelector<HTMLElement>('[data-rc="more-summary"]');
		if (summary) {
			summary.textContent = `${radio('mode') === 'cached' ? 'KV cache' : 'naive'}, ${
				sampling ? `sampling (temperature ${this.el.temperature.value}, top-k ${this.el.topk.value}, top-p ${this.el.topp.value}, seed ${this.el.seed.value})` : 'greedy'
			}`;
		}
	}

	private writeSpeed(speed: Speed): void {
		for (const r of this.root.querySelectorAll<HTMLInputElement>('[data-rc="speed"]')) r.checked = r.value === speed;
	}

	// ---- wiring ---------------------------------------------------------------------------

	private wire(): void {
		const { el } = this;
		el.run.addEventListener('click', () => void this.run());
		el.run.addEventListener('pointerenter', () => void prefetchRuntime().catch(() => {}), { once: true });
		el.run.addEventListener('focus', () => void prefetchRuntime().catch(() => {}), { once: true });
		el.pause.addEventListener('click', () => this.togglePause());
		el.step.addEventListener('click', () => this.stepOnce());
		el.stop.addEventListener('click', () => this.stop());
		el.reset.addEventListener('click', () => this.reset());
		must<HTMLElement>(this.root, 'retry').addEventListener('click', () => void this.run({ speed: this.speed }));
		must<HTMLFormElement>(this.root, 'form').addEventListener('submit', (e) => e.preventDefault());
		for (const r of this.root.querySelectorAll<HTMLInputElement>('[data-rc="strategy"], [data-rc="mode"]')) r.addEventListener('change', () => this.syncSamplingFields());
		for (const i of [el.temperature, el.topk, el.topp, el.seed]) i.addEventListener('change', () => this.syncSamplingFields());
		for (const r of this.root.querySelectorAll<HTMLInputElement>('[data-rc="speed"]')) {
			r.addEventListener('change', () => {
				if (r.checked) this.setSpeed(r.value as Speed);
			});
		}
		el.slider.addEventListener('input', () => this.scrubTo(Number(el.slider.value)));
		el.prev.addEventListener('click', () => this.scrubBy(-1));
		el.next.addEventListener('click', () => this.scrubBy(1));
		el.copyLink.addEventListener('click', () => this.copyLink());
		for (const a of this.root.querySelectorAll<HTMLAnchorElement>('[data-rc="ask"]')) {
			// The link is built when it is used, so it always describes the step on screen.
			const refresh = () => this.refreshAsk();
			a.addEventListener('pointerenter', refresh);
			a.addEventListener('focus', refresh);
			a.addEventListener('click', () => {
				const link = this.refreshAsk().find((l) => l.id === a.dataset.assistant);
				if (link?.clipboardText) {
					const name = link.label;
					copyToClipboard(link.clipboardText).then(
						() => (el.shareStatus.textContent = `The full question is too long for a link, so it is on your clipboard: paste it into ${name}.`),
						() => (el.shareStatus.textContent = `The full question is too long for a link and could not be copied; ${name} opens with a shorter version.`),
					);
				}
			});
		}
		this.root.addEventListener('keydown', (e) => this.onKey(e));
	}

	private onKey(e: KeyboardEvent): void {
		const target = e.target as HTMLElement;
		const typing = target.matches('textarea, input:not([type="radio"]):not([type="checkbox"]), select, [contenteditable]');
		const activates = target.matches('button, a, summary, input, select, textarea');
		if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
			e.preventDefault();
			void this.run();
			return;
		}
		if (e.key === 'Escape') {
			if (this.state === 'running' || this.state === 'paused' || this.state === 'loading') {
				e.preventDefault();
				this.stop();
			}
			return;
		}
		if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
		if (e.key === 'ArrowRight' && !target.matches('input, .rc-chips, .rc-chips *')) {
			e.preventDefault();
			if (this.state === 'done' || (this.state === 'idle' && this.events.length)) this.scrubBy(1);
			else this.stepOnce();
		} else if (e.key === 'ArrowLeft' && !target.matches('input, .rc-chips, .rc-chips *')) {
			if (this.state === 'done') {
				e.preventDefault();
				this.scrubBy(-1);
			}
		} else if (e.key === ' ' && !activates) {
			e.preventDefault();
			this.togglePause();
		}
	}

	// ---- state ----------------------------------------------------------------------------

	private setState(state: BlockState): void {
		this.state = state;
		this.root.dataset.state = state;
		const { el } = this;
		const active = state === 'running' || state === 'paused' || state === 'loading';
		el.runLabel.textContent = state === 'done' || state === 'error' ? 'Run again' : 'Run';
		el.pause.disabled = !(state === 'running' || state === 'paused');
		el.pauseLabel.textContent = state === 'paused' ? 'Resume' : 'Pause';
		el.pause.setAttribute('aria-pressed', String(state === 'paused'));
		el.stop.disabled = !active;
		el.step.disabled = state === 'loading' || state === 'error';
		el.reset.disabled = state === 'idle' && this.events.length === 0;
		el.error.hidden = state !== 'error';
		el.progress.hidden = state !== 'loading';
		el.scrub.hidden = !(state === 'done' && this.events.length > 0);
		if (state !== 'done') this.scrubIndex = undefined;
		this.schedule();
	}

	private setSpeed(speed: Speed): void {
		this.speed = speed;
		this.writeSpeed(speed);
		const h = this.handle;
		if (!h || (this.state !== 'running' && this.state !== 'paused')) return;
		this.clearDwell();
		if (speed === 'realtime' && this.state === 'running') h.resume();
		else if (speed === 'slow' && this.state === 'running') {
			h.pause();
			this.dwellThenStep();
		} else if (speed === 'step') {
			h.pause();
			this.setState('paused');
		}
	}

	// ---- running --------------------------------------------------------------------------

	async run(opts: { speed?: Speed; target?: number | undefined } = {}): Promise<void> {
		this.target = opts.target;
		if (opts.speed) {
			this.speed = opts.speed;
			this.writeSpeed(opts.speed);
		}
		this.abandonRun();
		const generation = ++this.generation;
		const settings = this.readSettings();
		this.runSettings = settings;
		this.events = [];
		this.view = emptyView();
		this.outShown = '';
		this.el.outGen.replaceChildren();
		this.lastFailure = '';
		this.setState('loading');
		this.el.status.textContent = this.info ? 'Starting…' : 'Loading the model…';
		this.el.progressBar.removeAttribute('value');

		let client;
		try {
			const loaded = await ensureModel((p) => {
				if (generation === this.generation) this.onProgress(p);
			});
			client = loaded.client;
			this.info = loaded.info;
		} catch (error) {
			if (generation === this.generation) this.fail(error);
			return;
		}
		if (generation !== this.generation) return;
		this.showBackend();
		this.chips.eosId = this.cands.eosId = this.info.eosId;

		const paced = this.speed !== 'realtime';
		let handle: RunHandle;
		try {
			handle = client.generate(settings.prompt, toGenerateSettings(settings, this.config.topCandidates), { startPaused: paced });
		} catch (error) {
			this.fail(error);
			return;
		}
		this.handle = handle;
		this.setState(this.speed === 'step' ? 'paused' : 'running');
		if (paced) {
			this.setPending('encode');
			handle.step();
		}
		void handle.done.catch(() => {}); // errors arrive through the iterator too

		try {
			for await (const event of handle) {
				if (generation !== this.generation) return;
				this.onEvent(event);
			}
		} catch (error) {
			if (generation === this.generation) this.fail(error);
			return;
		}
		if (generation === this.generation) this.finish();
	}

	private onEvent(event: StepEvent): void {
		this.events.push(event);
		applyEvent(this.view, event);
		// The next event after these is a forward pass: show that the model is running.
		const forwardNext = event.step === 'encode' || (event.step === 'eos-check' && event.decision === 'continue');
		this.pendingStep = forwardNext && this.speed !== 'step' ? 'forward' : undefined;
		this.schedule();
		// Slow motion's dwell starts once the step is on screen, so a late frame never shortens it.
		if (event.step !== 'done') this.dwellAfterPaint = true;
	}

	private dwellThenStep(): void {
		this.clearDwell();
		const generation = this.generation;
		this.dwellTimer = setTimeout(() => {
			if (generation === this.generation && this.state === 'running' && this.speed === 'slow') this.handle?.step();
		}, SLOW_DWELL_MS);
	}

	private clearDwell(): void {
		if (this.dwellTimer !== undefined) clearTimeout(this.dwellTimer);
		this.dwellTimer = undefined;
		this.dwellAfterPaint = false;
	}

	private finish(): void {
		this.clearDwell();
		if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
		this.handle = undefined;
		this.setPending(undefined);
		if (this.target !== undefined && this.events.length) {
			this.scrubIndex = Math.min(this.target, this.events.length - 1);
			this.target = undefined;
		}
		this.setState('done');
		if (this.scrubIndex !== undefined) this.applyScrub();
	}

	private fail(error: unknown): void {
		this.clearDwell();
		this.handle = undefined;
		this.setPending(undefined);
		const failure = toFailure(error);
		this.lastFailure = failureMessage(failure);
		this.el.errorMessage.textContent = this.lastFailure;
		this.setState('error');
		this.el.status.textContent = 'The run failed.';
	}

	/** Forget the current run (Reset, Run again): stop it in the runtime and ignore its events. */
	private abandonRun(): void {
		this.clearDwell();
		if (this.stopTimer !== undefined) clearTimeout(this.stopTimer);
		const h = this.handle;
		this.handle = undefined;
		this.generation++;
		if (h) {
			try {
				h.stop();
				h.resume();
			} catch {
				// already finished
			}
		}
	}

	togglePause(): void {
		const h = this.handle;
		if (!h) return;
		if (this.state === 'running') {
			this.clearDwell();
			h.pause();
			this.setState('paused');
		} else if (this.state === 'paused') {
			if (this.speed === 'step') this.setSpeed('slow');
			this.setState('running');
			if (this.speed === 'realtime') h.resume();
			else h.step();
		}
	}

	stepOnce(): void {
		if (this.state === 'loading' || this.state === 'error') return;
		if (!this.handle || this.state === 'idle' || this.state === 'done') {
			void this.run({ speed: 'step' });
			return;
		}
		if (this.state === 'running') {
			this.clearDwell();
			this.handle.pause();
		}
		if (this.speed !== 'step') {
			this.speed = 'step';
			this.writeSpeed('step');
		}
		this.setState('paused');
		this.handle.step();
	}

	stop(): void {
		const h = this.handle;
		if (this.state === 'loading') {
			// Nothing to cancel yet but the wait: forget this run; the shared download goes on for later.
			this.generation++;
			this.setState(this.events.length ? 'done' : 'idle');
			this.el.status.textContent = 'Stopped while loading.';
			return;
		}
		if (!h) return;
		this.clearDwell();
		try {
			h.stop();
			h.resume();
		} catch {
			// finished meanwhile
		}
		// The runtime ends a stopped run with a 'done' event; should it not come, don't hang.
		const generation = this.generation;
		this.stopTimer = setTimeout(() => {
			if (generation !== this.generation || this.state === 'done') return;
			this.generation++;
			this.finish();
			this.el.status.textContent = 'Stopped.';
		}, STOP_GRACE_MS);
	}

	reset(): void {
		this.abandonRun();
		this.events = [];
		this.view = emptyView();
		this.outShown = '';
		this.el.outGen.replaceChildren();
		this.code.clear();
		this.setState('idle');
	}

	// ---- scrubbing and links --------------------------------------------------------------

	private scrubTo(index: number): void {
		if (!this.events.length) return;
		this.scrubIndex = Math.max(0, Math.min(this.events.length - 1, index));
		this.applyScrub();
	}

	private scrubBy(delta: number): void {
		if (this.state !== 'done' || !this.events.length) return;
		this.scrubTo((this.scrubIndex ?? this.events.length - 1) + delta);
	}

	private applyScrub(): void {
		this.view = this.scrubIndex === undefined ? viewAt(this.events, this.events.length - 1) : viewAt(this.events, this.scrubIndex);
		this.schedule();
	}

	private currentLink(): string {
		return buildLink(location.href, { blockId: this.id, settings: this.runSettings, step: this.view.index >= 0 ? this.view.index : undefined });
	}

	private copyLink(): void {
		const link = this.currentLink();
		copyToClipboard(link).then(
			() => (this.el.shareStatus.textContent = `Link to step ${this.view.index + 1} copied.`),
			() => (this.el.shareStatus.textContent = `Could not copy; the link is: ${link}`),
		);
	}

	private refreshAsk() {
		const ctx: AskContext = {
			pageTitle: document.title.replace(/\s*\|.*$/, ''),
			pageUrl: this.currentLink(),
			code: this.code.pre.textContent ?? '',
			currentLines: this.code.linesOf(this.view.current?.step),
			settings: this.runSettings,
			view: this.view,
			totalEvents: this.events.length,
		};
		const links = askLinks(ctx);
		for (const a of this.root.querySelectorAll<HTMLAnchorElement>('[data-rc="ask"]')) {
			const link = links.find((l) => l.id === a.dataset.assistant);
			if (link) a.href = link.href;
		}
		return links;
	}

	// ---- painting -------------------------------------------------------------------------

	private onProgress(p: LoadProgress): void {
		const { progressBar, progressLabel } = this.el;
		if (p.overallTotal > 0) {
			progressBar.max = p.overallTotal;
			progressBar.value = p.overallLoaded;
			progressLabel.textContent = `Downloading the model: ${(p.overallLoaded / 1e6).toFixed(1)} of ${(p.overallTotal / 1e6).toFixed(1)} MB`;
		} else {
			progressBar.removeAttribute('value');
			progressLabel.textContent = `Downloading ${p.file.split('/').pop()}: ${(p.loaded / 1e6).toFixed(1)} MB`;
		}
	}

	private showBackend(): void {
		const info = this.info;
		if (!info) return;
		const b = info.backend;
		const name = b.backend === 'webgpu' ? 'WebGPU' : `WebAssembly${b.threads > 1 ? `, ${b.threads} threads` : ''}`;
		this.el.backend.hidden = false;
		this.el.backend.textContent = `Running on ${name}${b.fellBack ? ', fell back' : ''}: ${b.reason}`;
		this.el.backend.title = `${info.modelId} (${info.dtype}): ${b.reason}`;
		this.el.backend.dataset.backend = b.backend;
		this.el.backend.setAttribute('aria-label', `Backend: ${name}${b.fellBack ? `, fell back because ${b.reason}` : `, ${b.reason}`}`);
	}

	private setPending(step: LoopStep | undefined): void {
		this.pendingStep = step;
		this.code.showPending(step);
	}

	private schedule(): void {
		const throttled = this.state === 'running' && this.speed === 'realtime';
		// Leaving real-time running (done, paused, stopped): paint the final state now, not after the throttle.
		if (!throttled && this.paintTimer !== undefined) {
			clearTimeout(this.paintTimer);
			this.paintTimer = undefined;
		}
		if (this.frame || this.paintTimer !== undefined) return;
		const wait = throttled ? REALTIME_PAINT_MS - (performance.now() - this.lastPaint) : 0;
		if (wait > 0) {
			this.paintTimer = setTimeout(() => {
				this.paintTimer = undefined;
				this.schedule();
			}, wait);
			return;
		}
		this.frame = requestAnimationFrame(() => {
			this.frame = 0;
			this.lastPaint = performance.now();
			this.paint();
			if (this.dwellAfterPaint) {
				this.dwellAfterPaint = false;
				if (this.state === 'running' && this.speed === 'slow') this.dwellThenStep();
			}
		});
	}

	private paint(): void {
		const { el, view } = this;
		this.code.showPending(this.pendingStep);
		const s = this.runSettings;
		const current = view.current;
		this.code.show(current?.step, view.previous?.step);
		this.root.dataset.eventIndex = String(view.index);
		this.root.dataset.currentStep = current?.step ?? '';
		this.chips.update(view.tokens);
		this.cands.update(view.candidates, view.chosen);
		this.chart.update(view.forwardMs, current && current.step !== 'done' ? view.iteration : -1);

		const total = this.events.length;
		el.stepCounter.textContent = current
			? `${view.index + 1}${this.state === 'done' ? ` of ${total}` : ''} · iteration ${Math.max(0, view.iteration) + 1} of at most ${s.maxNewTokens}`
			: '–';
		el.stepDesc.textContent = describeStep(current);
		const generated = view.tokens.filter((t) => t.generated).length;
		el.idsCount.textContent = view.tokens.length ? `${view.tokens.length} tokens (${view.tokens.length - generated} prompt, ${generated} generated)` : '';
		const f = view.lastForward;
		el.forwardDesc.textContent = f
			? f.usedCache
				? `Last forward pass: fed 1 new token, the KV cache holds ${f.sequenceLength - f.inputLength}.`
				: `Last forward pass: fed all ${f.inputLength} tokens (no cache).`
			: '';
		el.candsNote.textContent = view.strategy === 'sample' ? '(sampled from these)' : view.strategy ? '(greedy takes the top one)' : '';
		el.samplingNote.hidden = s.strategy !== 'sample' || this.state === 'idle';
		el.chartDesc.textContent =
			view.forwardMs.length > 1
				? `${view.forwardMs.length} passes, one per output token (first ${formatMs(view.forwardMs[0]!)}, latest ${formatMs(view.forwardMs[view.forwardMs.length - 1]!)}). ` +
					(s.mode === 'naive'
						? 'Naive: each pass reads the whole, growing sequence.'
						: 'With the KV cache the first pass reads the prompt (prefill); each later pass feeds one token.')
				: 'Each bar is one forward pass: one per output token.';

		const done = view.done;
		el.stats.hidden = !done;
		if (done) {
			el.ttft.textContent = formatMs(done.stats.timeToFirstTokenMs);
			el.tps.textContent = done.stats.tokensPerSecond.toFixed(1);
			el.total.textContent = formatMs(done.stats.totalMs);
			el.doneDesc.textContent = `Stopped because ${describeReason(done.reason)}.`;
		} else {
			el.doneDesc.textContent = '';
		}

		// Output: the prompt, then the generated text, appended piece by piece for screen readers.
		el.outPrompt.textContent = view.tokens.length ? s.prompt : '';
		const text = view.generatedText;
		if (this.scrubIndex !== undefined || !text.startsWith(this.outShown)) {
			el.outGen.setAttribute('aria-live', this.scrubIndex !== undefined ? 'off' : 'polite');
			el.outGen.textContent = text;
		} else if (text.length > this.outShown.length) {
			el.outGen.setAttribute('aria-live', 'polite');
			el.outGen.append(document.createTextNode(text.slice(this.outShown.length)));
		}
		this.outShown = text;

		// Status line.
		if (this.state === 'running') el.status.textContent = this.speed === 'slow' ? 'Running in slow motion…' : 'Running…';
		else if (this.state === 'paused') el.status.textContent = this.speed === 'step' ? 'Paused: press Step (→) for the next event.' : 'Paused.';
		else if (this.state === 'done' && done) el.status.textContent = `Done: ${done.stats.newTokens} new tokens; ${describeReason(done.reason)}.`;
		else if (this.state === 'done') el.status.textContent = 'Stopped.';
		else if (this.state === 'idle') el.status.textContent = 'Press Run to load the model (a few MB, once) and run the loop in your browser.';

		// Scrubber.
		if (this.state === 'done' && total) {
			const idx = this.scrubIndex ?? total - 1;
			el.slider.max = String(total - 1);
			el.slider.value = String(idx);
			el.slider.setAttribute('aria-valuetext', `step ${idx + 1} of ${total}: ${current?.step ?? ''}`);
			el.scrubValue.textContent = `${idx + 1} of ${total}`;
			el.prev.disabled = idx <= 0;
			el.next.disabled = idx >= total - 1;
		}
	}
}

const blocks = new WeakMap<HTMLElement, RunnableBlock>();

/** Starts every runnable block on the page (idempotent). */
export function initRunnables(): void {
	for (const root of document.querySelectorAll<HTMLElement>('[data-runnable]')) {
		if (blocks.has(root)) continue;
		try {
			blocks.set(root, new RunnableBlock(root));
		} catch (error) {
			console.error(error);
		}
	}
}
