// Lessons marked `draft: true` stay out of the built site everywhere a reader or a tool could find
// them, and every published lesson is in all of those places. The lists come from the lesson files,
// so the checks follow a lesson when its draft flag is removed.
import { test, expect, localUrl, publicUrl, basePath } from '../support/fixtures';
import { readLessons } from '../../src/lessons-index.mjs';

const lessons = readLessons(new URL('../../src/content/docs/lessons/', import.meta.url), { includeDrafts: true }) as {
	title: string;
	slug: string;
	draft: boolean;
}[];
const published = lessons.filter((lesson) => !lesson.draft);
const drafts = lessons.filter((lesson) => lesson.draft);

test('published lessons are on the landing page, in the sidebar, sitemap and llms.txt, and drafts are in none of them', async ({
	page,
	request,
}) => {
	expect(published.length).toBeGreaterThan(0);
	const sitemap = await (await request.get(localUrl('sitemap-0.xml'))).text();
	const llms = await (await request.get(localUrl('llms.txt'))).text();
	const llmsFull = await (await request.get(localUrl('llms-full.txt'))).text();
	await page.goto('./');
	// By exact name: one lesson's title can be part of another's ("Batching", "Continuous batching…").
	const landing = (title: string) => page.locator('main .lesson-list').getByRole('link', { name: title, exact: true });
	const sidebar = (title: string) =>
		page.locator('#starlight__sidebar').getByRole('link', { name: title, exact: true });

	for (const { title, slug } of published) {
		expect(sitemap, slug).toContain(`<loc>${publicUrl(`${slug}/`)}</loc>`);
		expect(llms, slug).toContain(`[${title}](${publicUrl(`${slug}.md`)})`);
		await expect(landing(title), slug).toHaveAttribute('href', `${basePath}${slug}/`);
		await expect(sidebar(title), slug).toHaveCount(1);
	}
	for (const { title, slug } of drafts) {
		expect(sitemap, slug).not.toContain(publicUrl(`${slug}/`));
		expect(llms, slug).not.toContain(slug);
		expect(llmsFull, slug).not.toContain(`# ${title}\n`);
		await expect(landing(title), slug).toHaveCount(0);
		await expect(sidebar(title), slug).toHaveCount(0);
	}
});

test.describe('a draft lesson', () => {
	// Asking for a page that is not there is logged by the browser as a failed resource load.
	test.use({ allowedConsoleErrors: [/Failed to load resource: the server responded with a status of 404/] });

	test('has no page and no Markdown twin in the build', async ({ page, request }) => {
		test.skip(drafts.length === 0, 'no lesson is a draft');
		for (const { slug } of drafts) {
			expect((await page.goto(`${slug}/`))?.status(), slug).toBe(404);
			expect((await request.get(localUrl(`${slug}.md`))).status(), `${slug}.md`).toBe(404);
		}
	});
});
