// The lesson list for llms.txt, read from the lesson files at config time: starlight-llms-txt only
// takes a static `details` string, and config code cannot query content collections. The schema in
// src/content.config.ts still validates the same frontmatter at build time.
import { readFileSync, readdirSync } from 'node:fs';

const field = (frontmatter, name) => {
	const match = frontmatter.match(new RegExp(`^${name}:\\s*(.+)$`, 'm'));
	return match ? match[1].trim().replace(/^(["'])(.*)\1$/, '$2') : undefined;
};

/**
 * Lessons in sidebar order: { title, slug, description }. Drafts (`draft: true`, which Starlight
 * leaves out of production builds) are left out too, unless `includeDrafts` is set; then each
 * lesson also carries `draft`.
 */
export function readLessons(dir, { includeDrafts = false } = {}) {
	return readdirSync(dir)
		.filter((file) => /\.mdx?$/.test(file))
		.sort()
		.map((file) => {
			const frontmatter = readFileSync(new URL(file, dir), 'utf8').split(/^---$/m)[1] ?? '';
			return {
				title: field(frontmatter, 'title') ?? file,
				slug: field(frontmatter, 'slug') ?? `lessons/${file.replace(/\.mdx?$/, '')}`,
				description: field(frontmatter, 'description') ?? '',
				draft: /^true$/i.test(field(frontmatter, 'draft') ?? ''),
			};
		})
		.filter((lesson) => includeDrafts || !lesson.draft)
		.map(({ draft, ...lesson }) => (includeDrafts ? { ...lesson, draft } : lesson));
}

/** A `## Lessons` section in the llms.txt format, linking each lesson's Markdown twin. */
export function llmsLessonSection(lessons, siteUrl) {
	const root = siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`;
	const items = lessons.map(
		({ title, slug, description }) =>
			`- [${title}](${new URL(`${slug}.md`, root)})${description ? `: ${description}` : ''}`,
	);
	return ['## Lessons', '', ...items].join('\n');
}
