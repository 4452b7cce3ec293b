// Lesson 4's listing is written for the generate loop: once it runs in a runnable block, every
// `# [!step …]` must name a step of that loop, and every step the loop emits must light a line.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStepAnnotations } from '../../src/components/runnable/step-transformer';
import { LOOP_VOCABULARIES } from '../../src/runtime/loops/vocabulary';

const mdx = readFileSync(new URL('../../src/content/docs/lessons/04-sampling.mdx', import.meta.url), 'utf8');
const listing = (name: string) => {
	const match = mdx.match(new RegExp(`export const ${name} = \`\\n([\\s\\S]*?)\`;`));
	if (!match) throw new Error(`${name} not found in the lesson`);
	return match[1]!;
};

describe("lesson 4's sampling listing", () => {
	it('annotates every line with a step of the generate loop, and every step has a line', () => {
		const { lineSteps } = parseStepAnnotations(listing('sampleListing'), LOOP_VOCABULARIES.generate, 'sampleListing');
		const used = new Set([...lineSteps.values()].flat());
		expect([...used].sort()).toEqual([...LOOP_VOCABULARIES.generate].sort());
	});
	it('the helper listing carries no step annotations', () => {
		expect(listing('processorsListing')).not.toContain('[!step');
	});
});
