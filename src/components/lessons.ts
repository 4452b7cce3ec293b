import type { CollectionEntry } from 'astro:content';
import { markdownTwinUrl, type LessonRef } from './open-in-ai';

/** Lessons are the pages under `src/content/docs/lessons/`. */
export function isLesson(entry: Pick<CollectionEntry<'docs'>, 'id'>): boolean {
	return entry.id.startsWith('lessons/');
}

/**
 * Lessons a reader can open: Starlight builds `draft: true` pages only in development, so lists
 * of lessons leave drafts out everywhere, dev included, to match what is published.
 */
export function isPublishedLesson(entry: Pick<CollectionEntry<'docs'>, 'id' | 'data'>): boolean {
	return isLesson(entry) && !entry.data.draft;
}

/** Sidebar order first (the order readers take the lessons in), then title. */
export function compareLessons(a: CollectionEntry<'docs'>, b: CollectionEntry<'docs'>): number {
	const order = (e: CollectionEntry<'docs'>) => e.data.sidebar.order ?? Number.MAX_SAFE_INTEGER;
	return order(a) - order(b) || a.data.title.localeCompare(b.data.title);
}

/** The public, absolute address of a page and of its Markdown twin, honouring `site` and `base`. */
export function lessonRef(title: string, pathname: string, site: URL | undefined): LessonRef {
	const url = new URL(pathname, site ?? 'http://localhost/').href;
	return { title, url, markdownUrl: markdownTwinUrl(url, import.meta.env.BASE_URL) };
}
