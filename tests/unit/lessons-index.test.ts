import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { llmsLessonSection, readLessons } from '../../src/lessons-index.mjs';

describe('the llms.txt lesson list', () => {
	it('reads lessons in file order with quoted and plain frontmatter', () => {
		const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
		writeFileSync(join(dir, '02-b.mdx'), '---\ntitle: "Batching"\nslug: lessons/batching\n---\nBody: not a field\n');
		writeFileSync(
			join(dir, '01-a.mdx'),
			"---\ntitle: The loop\nslug: lessons/the-loop\ndescription: 'One pass per token.'\n---\n",
		);
		writeFileSync(join(dir, 'notes.txt'), 'ignored');
		const lessons = readLessons(pathToFileURL(dir + '/'));
		expect(lessons).toEqual([
			{ title: 'The loop', slug: 'lessons/the-loop', description: 'One pass per token.' },
			{ title: 'Batching', slug: 'lessons/batching', description: '' },
		]);
		expect(llmsLessonSection(lessons, 'https://example.org/tbt')).toBe(
			'## Lessons\n\n- [The loop](https://example.org/tbt/lessons/the-loop.md): One pass per token.\n' +
				'- [Batching](https://example.org/tbt/lessons/batching.md)',
		);
	});

	it('leaves out drafts, which Starlight does not publish, unless asked for them', () => {
		const dir = mkdtempSync(join(tmpdir(), 'lessons-'));
		writeFileSync(join(dir, '01-a.mdx'), '---\ntitle: The loop\nslug: lessons/the-loop\ndraft: false\n---\n');
		writeFileSync(join(dir, '02-b.mdx'), '---\ntitle: Latency\nslug: lessons/latency\ndraft: true\n---\n');
		writeFileSync(
			join(dir, '03-c.mdx'),
			'---\ntitle: Sampling\nslug: lessons/sampling\n---\nNot frontmatter:\ndraft: true\n',
		);
		const url = pathToFileURL(dir + '/');
		expect(readLessons(url).map((lesson) => lesson.slug)).toEqual(['lessons/the-loop', 'lessons/sampling']);
		expect(
			readLessons(url, { includeDrafts: true }).map((lesson) => [lesson.slug, 'draft' in lesson && lesson.draft]),
		).toEqual([
			['lessons/the-loop', false],
			['lessons/latency', true],
			['lessons/sampling', false],
		]);
		expect(llmsLessonSection(readLessons(url), 'https://example.org')).not.toContain('Latency');
	});
});
