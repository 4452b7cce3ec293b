import { describe, expect, it } from 'vitest';
import { codeToHtml } from 'shiki';
import {
	parseStepAnnotations as parseWith,
	stepTransformer,
	StepAnnotationError,
} from '../../src/components/runnable/step-transformer';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';

const generate = LOOP_VOCABULARIES.generate;
/** Lesson 1's listings use the generate loop's vocabulary. */
const parseStepAnnotations = (source: string, listing?: string) => parseWith(source, generate, listing);
/** A second loop's vocabulary, as a later lesson's batched loop might name its steps. */
const batched = ['admit', 'forward', 'select', 'append', 'evict', 'done'] as const;

const lesson = [
	'def generate(model, tokenizer, prompt, max_new=50):',
	'    ids = tokenizer.encode(prompt)  # [!step encode]',
	'    for _ in range(max_new):',
	'        logits = model.forward(ids)          # run the WHOLE model   # [!step forward]',
	'        next_id = int(logits[-1].argmax())  # [!step last-logits, select]',
	'        if next_id == tokenizer.eos_id:  # [!step eos-check]',
	'            break  # [!step eos-check]',
].join('\n');

describe('parseStepAnnotations', () => {
	it('strips trailing annotations and keeps the rest of the line, including other comments', () => {
		const { code, lineSteps } = parseStepAnnotations(lesson);
		expect(code).not.toContain('[!step');
		expect(code.split('\n')[3]).toBe('        logits = model.forward(ids)          # run the WHOLE model');
		expect(code.split('\n')[1]).toBe('    ids = tokenizer.encode(prompt)');
		expect(lineSteps.get(2)).toEqual(['encode']);
		expect(lineSteps.get(4)).toEqual(['forward']);
		expect(lineSteps.get(5)).toEqual(['last-logits', 'select']);
		expect(lineSteps.has(3)).toBe(false);
	});

	it('maps each step to its lines', () => {
		const { stepLines } = parseStepAnnotations(lesson);
		expect(stepLines.get('eos-check')).toEqual([6, 7]);
		expect(stepLines.get('forward')).toEqual([4]);
	});

	it('accepts // comments for JavaScript and TypeScript', () => {
		const { code, lineSteps } = parseStepAnnotations(
			'const out = await model(ids); // [!step forward]\nids.push(next); //[!step append]',
		);
		expect(code).toBe('const out = await model(ids);\nids.push(next);');
		expect(lineSteps.get(1)).toEqual(['forward']);
		expect(lineSteps.get(2)).toEqual(['append']);
	});

	it('lets an annotation-only line mark the next line, and removes it', () => {
		const { code, lineSteps } = parseStepAnnotations('a = 1\n    # [!step append]\nids.append(x)\nb = 2');
		expect(code).toBe('a = 1\nids.append(x)\nb = 2');
		expect(lineSteps.get(2)).toEqual(['append']);
	});

	it('rejects an unknown step name with the listing and line in the message', () => {
		expect(() => parseStepAnnotations('a = 1\nb = 2  # [!step forwrd]', 'lesson-1')).toThrowError(
			/Unknown step "forwrd" \(lesson-1, line 2\)/,
		);
		try {
			parseStepAnnotations('a\nb\nc  # [!step pick]');
		} catch (error) {
			expect(error).toBeInstanceOf(StepAnnotationError);
			expect((error as StepAnnotationError).line).toBe(3);
			expect((error as Error).message).toContain(
				'Known steps: encode, forward, last-logits, select, append, eos-check, done',
			);
		}
	});

	it('rejects empty and misplaced annotations', () => {
		expect(() => parseStepAnnotations('x  # [!step ]')).toThrowError(/without a step name/);
		expect(() => parseStepAnnotations('x  # [!step forward] trailing')).toThrowError(/Malformed .* line 1/);
		expect(() => parseStepAnnotations('x\n# [!step forward]')).toThrowError(/marks nothing/);
	});

	it('leaves code without annotations untouched', () => {
		const source = 'print("# [not a step]")\n# plain comment';
		expect(parseStepAnnotations(source).code).toBe(source);
	});
});

describe('stepTransformer with Shiki', () => {
	it('renders data-step attributes on lines, data-steps on <pre>, and no annotation text', async () => {
		const html = await codeToHtml(lesson, {
			lang: 'python',
			themes: { light: 'github-light', dark: 'github-dark' },
			transformers: [stepTransformer({ listing: 'test', vocabulary: generate })],
		});
		expect(html).not.toContain('[!step');
		expect(html).toContain('data-steps="encode forward last-logits select eos-check"');
		expect(html.match(/<span class="line rc-step-line" data-step="eos-check">/g)).toHaveLength(2);
		expect(html).toContain('data-step="last-logits select"');
		expect(html).toContain('run the WHOLE model');
	});

	it('fails the render (the build) on an unknown step', async () => {
		await expect(
			codeToHtml('x = 1  # [!step sample]', {
				lang: 'python',
				theme: 'github-light',
				transformers: [stepTransformer({ listing: 'demo', vocabulary: generate })],
			}),
		).rejects.toThrowError(/Unknown step "sample" \(demo, line 1\)/);
	});

	it("takes the loop's vocabulary as an option: another loop's steps are accepted, in that loop's order", async () => {
		const listing = [
			'while queue:  # [!step admit]',
			'    out = model(batch)  # [!step forward]',
			'    drop(finished)  # [!step evict]',
		].join('\n');
		const html = await codeToHtml(listing, {
			lang: 'python',
			theme: 'github-light',
			transformers: [stepTransformer({ listing: 'batch', vocabulary: batched })],
		});
		expect(html).toContain('data-steps="admit forward evict"');
		expect(html).toContain('data-step="evict"');
		// The generate loop has no such step: the same listing fails there, naming listing and line.
		await expect(
			codeToHtml(listing, {
				lang: 'python',
				theme: 'github-light',
				transformers: [stepTransformer({ listing: 'lesson-1', vocabulary: generate })],
			}),
		).rejects.toThrowError(/Unknown step "admit" \(lesson-1, line 1\)/);
	});

	it("fails on a step of the generate loop that the other loop lacks, listing that loop's steps", () => {
		expect(() => parseWith('x\nids = pick(l)  # [!step last-logits]', batched, 'batch-demo')).toThrowError(
			/Unknown step "last-logits" \(batch-demo, line 2\)[^]*Known steps: admit, forward, select, append, evict, done\./,
		);
	});
});
