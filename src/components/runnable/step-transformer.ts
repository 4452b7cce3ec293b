/**
 * A Shiki transformer for runnable listings: authors mark which lines belong to which step of the
 * loop with a trailing comment, in the style of Shiki's notation transformers:
 *
 *     logits = model.forward(ids)          # run the WHOLE model   # [!step forward]
 *     const next = pick(logits); // [!step select]
 *
 * At build time the annotation is stripped from the rendered code and the line gets
 * `data-step="forward"` (several names are space-separated, `[!step select append]`), so the
 * browser only toggles attributes. A line holding nothing but an annotation marks the next line
 * and is removed. Step names must come from the vocabulary of the listing's loop (one of the
 * runtime's `LOOP_VOCABULARIES`); anything else is a build error that names the listing and line.
 */
import type { ShikiTransformer } from 'shiki';

/** `# [!step a b]` or `// [!step a, b]` at the end of a line, with the whitespace before it. */
const TRAILING = /[ \t]*(?:#|\/\/)[ \t]*\[!step\b([^\]]*)\][ \t]*$/;
/** Any `[!step` left over is a malformed annotation (not at the end, unclosed, wrong marker). */
const LEFTOVER = /\[!step\b/;

export interface ParsedListing {
	/** The code with every annotation removed. */
	code: string;
	/** 1-based line number in `code` → the steps it belongs to. */
	lineSteps: Map<number, string[]>;
	/** Step → the 1-based lines that belong to it, in order. */
	stepLines: Map<string, number[]>;
}

export class StepAnnotationError extends Error {
	constructor(
		message: string,
		readonly line: number,
	) {
		super(message);
		this.name = 'StepAnnotationError';
	}
}

/** Parses and strips `[!step …]` annotations; `vocabulary` lists the step names allowed. Throws StepAnnotationError on a bad one. */
export function parseStepAnnotations(
	source: string,
	vocabulary: readonly string[],
	listing = 'listing',
): ParsedListing {
	const lines = source.replace(/\r\n?/g, '\n').split('\n');
	const out: string[] = [];
	const lineSteps = new Map<number, string[]>();
	let pending: { steps: string[]; line: number } | undefined;

	lines.forEach((text, index) => {
		const sourceLine = index + 1;
		const where = `${listing}, line ${sourceLine}`;
		const match = TRAILING.exec(text);
		let steps: string[] = [];
		let rest = text;
		if (match) {
			const names = match[1]!.split(/[\s,]+/).filter(Boolean);
			if (names.length === 0) {
				throw new StepAnnotationError(`[!step] annotation without a step name (${where}): ${text.trim()}`, sourceLine);
			}
			for (const name of names) {
				if (!vocabulary.includes(name)) {
					throw new StepAnnotationError(
						`Unknown step "${name}" (${where}): ${text.trim()}\nKnown steps: ${vocabulary.join(', ')}.`,
						sourceLine,
					);
				}
				if (!steps.includes(name)) steps.push(name);
			}
			rest = text.slice(0, match.index).replace(/[ \t]+$/, '');
		}
		if (LEFTOVER.test(rest)) {
			throw new StepAnnotationError(
				`Malformed [!step] annotation (${where}): it must be a trailing comment such as "# [!step forward]" or "// [!step forward]". Got: ${text.trim()}`,
				sourceLine,
			);
		}
		if (match && rest.trim() === '') {
			// An annotation on a line of its own marks the line below it.
			if (pending) throw new StepAnnotationError(`Two annotation-only lines in a row (${where}).`, sourceLine);
			pending = { steps, line: sourceLine };
			return;
		}
		if (pending) {
			steps = [...pending.steps, ...steps.filter((s) => !pending!.steps.includes(s))];
			pending = undefined;
		}
		out.push(rest);
		if (steps.length) lineSteps.set(out.length, steps);
	});
	if (pending) {
		throw new StepAnnotationError(
			`Annotation-only line at the end of the listing marks nothing (${listing}, line ${pending.line}).`,
			pending.line,
		);
	}

	const stepLines = new Map<string, number[]>();
	for (const [line, steps] of lineSteps) {
		for (const step of steps) stepLines.set(step, [...(stepLines.get(step) ?? []), line]);
	}
	return { code: out.join('\n'), lineSteps, stepLines };
}

export interface StepTransformerOptions {
	/** Names the listing in error messages, e.g. the block id. */
	listing?: string;
	/** The step names of the listing's loop, in loop order: `LOOP_VOCABULARIES[loop]`. */
	vocabulary: readonly string[];
	/** Receives the parse result (the component uses it to list the steps present). */
	onParsed?: (parsed: ParsedListing) => void;
}

/**
 * The transformer. Each line that belongs to a step gets `data-step` (space-separated names) and
 * the class `rc-step-line`; the `<pre>` gets `data-steps`, the steps present in loop order.
 */
export function stepTransformer(options: StepTransformerOptions): ShikiTransformer {
	let parsed: ParsedListing | undefined;
	return {
		name: 'token-by-token:step-annotations',
		enforce: 'pre',
		preprocess(code) {
			parsed = parseStepAnnotations(code, options.vocabulary, options.listing);
			options.onParsed?.(parsed);
			return parsed.code;
		},
		pre(node) {
			if (!parsed) return;
			node.properties['data-steps'] = options.vocabulary.filter((s) => parsed!.stepLines.has(s)).join(' ');
		},
		line(node, line) {
			const steps = parsed?.lineSteps.get(line);
			if (!steps) return;
			node.properties['data-step'] = steps.join(' ');
			this.addClassToHast(node, 'rc-step-line');
		},
	};
}
