// What every lesson's spec checks the same way: whether the lesson is a draft (and so absent from
// the build), and its headings, in order, with the anchors instructors link to.
import type { Page } from '@playwright/test';
import { basePath, expect } from './fixtures';
import { readLessons } from '../../src/lessons-index.mjs';

const LESSONS_DIR = new URL('../../src/content/docs/lessons/', import.meta.url);

export interface LessonSection {
	level: 'h2' | 'h3';
	id: string;
	text: string;
}

/** True when the lesson at `lessonPath` (e.g. `lessons/the-kv-cache/`) is missing or marked `draft`. */
export function isDraftLesson(lessonPath: string): boolean {
	const lessons = readLessons(LESSONS_DIR, { includeDrafts: true }) as { slug: string; draft: boolean }[];
	const lesson = lessons.find((entry) => `${entry.slug}/` === lessonPath);
	return !lesson || lesson.draft;
}

/**
 * The links the built site's prev/next navigation should show around `lessonPath`, from the lesson
 * files in order with the drafts (not built) left out: the landing page before the first lesson,
 * nothing after the last. Lessons added or published later move these without a test changing.
 */
export function lessonNeighbours(lessonPath: string): { prev: string; next: string | undefined } {
	const published = readLessons(LESSONS_DIR) as { slug: string }[];
	const index = published.findIndex((lesson) => `${lesson.slug}/` === lessonPath);
	if (index < 0) throw new Error(`${lessonPath} is not a published lesson`);
	const href = (lesson: { slug: string } | undefined) => lesson && `${basePath}${lesson.slug}/`;
	return { prev: href(published[index - 1]) ?? basePath, next: href(published[index + 1]) };
}

/** The page's title, its prev/next links, its h2/h3 sections in order with stable ids, and three
 *  try-it prompts. `prev` defaults to the lesson before it (`lessonNeighbours`); give `path` to
 *  check `next` too. */
export async function expectLessonShape(
	page: Page,
	lesson: { title: string; prev?: string | RegExp; path?: string; sections: readonly LessonSection[] },
): Promise<void> {
	await expect(page.locator('h1')).toHaveText(lesson.title);
	const neighbours = lesson.path ? lessonNeighbours(lesson.path) : undefined;
	const prev = lesson.prev ?? neighbours?.prev;
	if (prev === undefined) throw new Error('expectLessonShape needs prev or path');
	await expect(page.locator('.pagination-links a[rel="prev"]')).toHaveAttribute('href', prev);
	if (neighbours?.next)
		await expect(page.locator('.pagination-links a[rel="next"]')).toHaveAttribute('href', neighbours.next);
	else if (neighbours) await expect(page.locator('.pagination-links a[rel="next"]')).toHaveCount(0);
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

/** With JavaScript off, a lesson still reads: its title, the first run's listing (holding
 *  `listing`), no empty demo panels (each run's app, the parts shared by runs), and the page's note
 *  asking for JavaScript. */
export async function expectReadsWithoutJavaScript(
	page: Page,
	lesson: { title: string; runs: readonly string[]; listing: string; note: string },
): Promise<void> {
	await expect(page.locator('h1')).toHaveText(lesson.title);
	const listing = page.locator(`#rc-${lesson.runs[0]} pre`);
	await expect(listing).toBeVisible();
	await expect(listing).toContainText(lesson.listing);
	for (const id of lesson.runs) await expect(page.locator(`#rc-${id} [data-rc="app"]`)).toBeHidden();
	for (const shared of await page.locator('.rc-shared').all()) await expect(shared).toBeHidden();
	expect(
		await page
			.locator('.sl-markdown-content noscript')
			.first()
			.evaluate((n) => n.textContent),
	).toContain(lesson.note);
}
