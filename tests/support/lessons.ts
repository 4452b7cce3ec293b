// What every lesson's spec checks the same way: whether the lesson is a draft (and so absent from
// the build), and its headings, in order, with the anchors instructors link to.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';
import { readLessons } from '../../src/lessons-index.mjs';

export interface LessonSection {
	level: 'h2' | 'h3';
	id: string;
	text: string;
}

/** True when the lesson at `lessonPath` (e.g. `lessons/the-kv-cache/`) is missing or marked `draft`. */
export function isDraftLesson(lessonPath: string): boolean {
	const lessons = readLessons(new URL('../../src/content/docs/lessons/', import.meta.url), {
		includeDrafts: true,
	}) as { slug: string; draft: boolean }[];
	const lesson = lessons.find((entry) => `${entry.slug}/` === lessonPath);
	return !lesson || lesson.draft;
}

/** The page's title, its previous-page link, its h2/h3 sections in order with stable ids, and three try-it prompts. */
export async function expectLessonShape(
	page: Page,
	lesson: { title: string; prev: string | RegExp; sections: readonly LessonSection[] },
): Promise<void> {
	await expect(page.locator('h1')).toHaveText(lesson.title);
	await expect(page.locator('.pagination-links a[rel="prev"]')).toHaveAttribute('href', lesson.prev);
	const headings = page.locator('.sl-markdown-content :is(h2, h3)');
	await expect(headings).toHaveCount(lesson.sections.length);
	for (const [index, section] of lesson.sections.entries()) {
		const heading = headings.nth(index);
		await expect(heading).toHaveText(section.text);
		await expect(heading).toHaveAttribute('id', section.id);
		expect(await heading.evaluate((el) => el.tagName.toLowerCase())).toBe(section.level);
	}
	await expect(page.locator('ol.try-it > li')).toHaveCount(3);
}
