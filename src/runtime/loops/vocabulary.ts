/**
 * Each named loop's step vocabulary: the names its events carry in `step`, and so the names a
 * listing may use in `[!step …]` annotations. Plain data with no imports, because the Shiki
 * transformer reads it at build time and the page's panels read it in the browser.
 */

export const LOOP_VOCABULARIES = {
	/** Lesson 1's loop, naive or cached: one event per line of the textbook pseudo-code. */
	generate: ['encode', 'forward', 'last-logits', 'select', 'append', 'eos-check', 'done'],
	/** Lesson 5's loop: B prompts as B left-padded rows of one forward pass per step. */
	batched: ['encode', 'pad', 'forward', 'select', 'append', 'stop-check', 'done'],
	/** Lessons 2 and 3's loop: cached generation with the prompt's one pass (prefill) apart from the rest (decode). */
	stream: ['encode', 'prefill', 'select', 'token', 'stop-check', 'decode', 'done'],
	/** Lesson 6's loop: a scheduler over S slots; finished rows leave and queued ones join every iteration. */
	continuous: ['encode', 'forward', 'admit', 'select', 'append', 'retire', 'done'],
} as const satisfies Record<string, readonly string[]>;

export type LoopName = keyof typeof LOOP_VOCABULARIES;
export type StepOf<L extends LoopName> = (typeof LOOP_VOCABULARIES)[L][number];

export function isLoopName(name: string): name is LoopName {
	return Object.hasOwn(LOOP_VOCABULARIES, name);
}
