import { describe, expect, it } from 'vitest';
import type { CollectionEntry } from 'astro:content';
import { compareLessons, isLesson, isPublishedLesson, lessonRef } from '../../src/components/lessons';

const entry = (id: string, title: string, order?: number, draft = false) =>
	({ id, data: { title, draft, sidebar: { order } } }) as unknown as CollectionEntry<'docs'>;

describe('lessons', () => {
	it('are the pages under lessons/', () => {
		expect(isLesson(entry('lessons/the-autoregressive-loop', 'x'))).toBe(true);
		expect(isLesson(entry('index', 'x'))).toBe(false);
		expect(isLesson(entry('lessonsish', 'x'))).toBe(false);
	});

	it('are published unless they are drafts, which Starlight leaves out of production builds', () => {
		expect(isPublishedLesson(entry('lessons/the-kv-cache', 'x', 2))).toBe(true);
		expect(isPublishedLesson(entry('lessons/latency-and-streaming', 'x', 3, true))).toBe(false);
		expect(isPublishedLesson(entry('index', 'x'))).toBe(false);
	});

	it('sort by sidebar order, then title, with unordered lessons last', () => {
		const sorted = [
			entry('lessons/c', 'C'),
			entry('lessons/b', 'B', 2),
			entry('lessons/z', 'Z', 1),
			entry('lessons/a', 'A'),
		]
			.sort(compareLessons)
			.map((e) => e.data.title);
		expect(sorted).toEqual(['Z', 'B', 'A', 'C']);
	});

	it('have an absolute public URL and Markdown twin', () => {
		const ref = lessonRef('Loop', '/lessons/loop/', new URL('https://example.org'));
		expect(ref).toEqual({
			title: 'Loop',
			url: 'https://example.org/lessons/loop/',
			markdownUrl: 'https://example.org/lessons/loop.md',
		});
	});
});
