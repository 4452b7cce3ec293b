// Lesson 6's default queue, read from the lesson itself (its `export const queuePrompts = […]` line)
// so the page, the Node tests and the e2e spec can never disagree about it.
import { readFileSync } from 'node:fs';

export const LESSON_6_FILE = new URL('../../src/content/docs/lessons/06-continuous-batching.mdx', import.meta.url);

/** A constant the lesson exports: `export const <name> = <number>;` */
export function lessonNumber(name: string): number {
	const text = readFileSync(LESSON_6_FILE, 'utf8');
	const match = new RegExp(`^export const ${name} = (\\d+);`, 'm').exec(text);
	if (!match) throw new Error(`lesson 6 exports no number ${name}`);
	return Number(match[1]);
}

/** The queue's prompts, in order. */
export function lessonQueue(): string[] {
	const text = readFileSync(LESSON_6_FILE, 'utf8');
	const match = /^export const queuePrompts = \[([^\]]*)\]/m.exec(text);
	if (!match) throw new Error('lesson 6 exports no queuePrompts');
	return [...match[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
}
