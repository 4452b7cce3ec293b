/**
 * The contract between the runtime and everything that shows it.
 *
 * `generate()` yields one event per step of the lesson's loop. Each event
 * names the code step it mirrors, so a listing can light the matching lines:
 *
 *   def generate(model, tokenizer, prompt, max_new=50):
 *       ids = tokenizer.encode(prompt)            -> 'encode'
 *       for _ in range(max_new):
 *           logits = model.forward(ids)           -> 'forward'
 *           next_logits = logits[-1]              -> 'last-logits'
 *           next_id = int(next_logits.argmax())   -> 'select'
 *           ids.append(next_id)                   -> 'append'
 *           if next_id == tokenizer.eos_id:       -> 'eos-check'
 *               break
 *       return tokenizer.decode(ids)              -> 'done'
 *
 * Everything here is plain data (structured-clone safe): it crosses the
 * worker boundary as is, and components never see an ONNX tensor. The other
 * named loops' events are in loops/<name>-events.ts.
 */

import { LOOP_VOCABULARIES, type StepOf } from './loops/vocabulary';

/** Lesson 1's steps; every named loop's are in loops/vocabulary.ts. */
export type LoopStep = StepOf<'generate'>;

export const LOOP_STEPS: readonly LoopStep[] = LOOP_VOCABULARIES.generate;

/** naive: re-run the whole sequence every step, exactly as the lesson's code.
 *  cached: feed only the new token and keep the keys/values (KV cache). */
export type LoopMode = 'naive' | 'cached';

export type Sampling =
	| { strategy: 'greedy' }
	| {
			strategy: 'sample';
			/** > 0. 1 leaves the distribution as the model gave it. */
			temperature: number;
			/** Keep the k most likely tokens; 0 disables. */
			topK: number;
			/** Keep the smallest set whose probability reaches p; 1 disables. */
			topP: number;
			/** Seed of the PRNG; the same seed reproduces the same run exactly. */
			seed: number;
	  };

export interface GenerateSettings {
	maxNewTokens: number;
	mode: LoopMode;
	sampling: Sampling;
	/** How many top candidates each 'select' event reports (default 5). */
	topCandidates?: number;
	/**
	 * Attach each step's raw logits to its 'select' event, so a page can redraw
	 * the distribution for other settings without a forward pass: 'all' (every
	 * token, exact for any setting) or 'top' (the TOP_LOGITS highest). Off by
	 * default: lesson 1's events stay small. The generate and stream loops honour it.
	 */
	reportLogits?: ReportLogits;
}

export type ReportLogits = 'top' | 'all';

/** How many logits `reportLogits: 'top'` attaches. */
export const TOP_LOGITS = 64;

/** One step's raw logits (before temperature), as the model gave them. */
export type StepLogits =
	/** values[id] for every token id. */
	| { kind: 'all'; values: Float32Array }
	/** The TOP_LOGITS highest, largest first (ties to the lower id): ids[i] scored values[i]. */
	| { kind: 'top'; ids: Int32Array; values: Float32Array };

export type StopReason = 'eos' | 'max_new' | 'stopped' | 'context-full';

export interface Candidate {
	id: number;
	token: string;
	/** Probability after temperature/top-k/top-p (what was sampled from). */
	prob: number;
	logit: number;
}

export interface EventBase {
	/** 0-based position of this event in the run. */
	index: number;
	/** 0-based loop iteration; -1 for 'encode'. */
	iteration: number;
}

export interface EncodeEvent extends EventBase {
	step: 'encode';
	ids: number[];
	tokens: string[];
	/** Set when the prompt did not fit: its start was dropped, keeping the last contextSize − 1
	 *  tokens so that one new token fits. */
	truncated?: { droppedTokens: number; contextSize: number };
	/** The prompt was empty and generation starts from the BOS/EOS token. */
	startedFromBos: boolean;
	/** Human-readable notices (truncation, empty prompt). */
	notices: string[];
}

export interface ForwardEvent extends EventBase {
	step: 'forward';
	/** Tokens fed to the model in this pass. */
	inputLength: number;
	/** Tokens the model attends over (fed + cached). */
	sequenceLength: number;
	usedCache: boolean;
	/** Wall time of the forward pass, ms. */
	ms: number;
}

export interface LastLogitsEvent extends EventBase {
	step: 'last-logits';
	/** Index in the sequence whose logits are read (the last one). */
	position: number;
	vocabSize: number;
}

export interface SelectEvent extends EventBase {
	step: 'select';
	strategy: Sampling['strategy'];
	candidates: Candidate[];
	chosen: Candidate;
	/** Time spent choosing the token (processors, softmax, draw), ms; the forward pass is timed apart. */
	selectMs?: number;
	/** The step's raw logits, when the run's settings ask for them (`reportLogits`). */
	logits?: StepLogits;
}

export interface AppendEvent extends EventBase {
	step: 'append';
	id: number;
	token: string;
	/** Sequence length after the append. */
	length: number;
	/** Decoded generated text so far (prompt excluded). */
	generatedText: string;
}

export interface EosCheckEvent extends EventBase {
	step: 'eos-check';
	id: number;
	isEos: boolean;
	decision: 'stop' | 'continue';
}

export interface RunStats {
	/** Run start to the first generated token, ms. */
	timeToFirstTokenMs: number;
	/** Wall time of each step's forward pass, ms. */
	perTokenMs: number[];
	tokensPerSecond: number;
	/** First forward pass (the whole prompt). */
	prefillMs: number;
	/** All later forward passes together. */
	decodeMs: number;
	totalMs: number;
	newTokens: number;
}

export interface DoneEvent extends EventBase {
	step: 'done';
	reason: StopReason;
	ids: number[];
	/** Decoded prompt + generated text. */
	text: string;
	generatedText: string;
	stats: RunStats;
}

export type StepEvent =
	EncodeEvent | ForwardEvent | LastLogitsEvent | SelectEvent | AppendEvent | EosCheckEvent | DoneEvent;

export type BackendName = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | BackendName;

export interface BackendChoice {
	backend: BackendName;
	/** Why: e.g. "WebGPU adapter found", "no WebGPU adapter", "fallback adapter (SwiftShader) is slower than WASM",
	 *  "WebGPU failed at session creation: …; fell back to WASM". */
	reason: string;
	fellBack: boolean;
	threads: number;
}

export interface LoadProgress {
	file: string;
	loaded: number;
	/** 0 when the server sent no length. */
	total: number;
	overallLoaded: number;
	overallTotal: number;
}
