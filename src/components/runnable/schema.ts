/**
 * The props of <RunnableCode>, validated at build time: a bad prop fails the build with zod's
 * message. Kept apart from settings.ts so zod never reaches the browser bundle.
 */
import { z } from 'astro/zod';
import { LIMITS } from './settings';

/** Props of <RunnableCode>: validated at build time, so a bad prop fails the build with zod's message. */
export const runnablePropsSchema = z.object({
	/** Unique on the page; names the block in links (`?rc=<id>`) and element ids. */
	id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'id: lowercase letters, digits and dashes, at most 40 characters'),
	/** The listing, with `# [!step NAME]` / `// [!step NAME]` annotations. */
	code: z.string().min(1),
	lang: z.string().default('python'),
	title: z.string().optional(),
	prompt: z.string().max(LIMITS.promptLength).default('And God said,'),
	maxNewTokens: z.number().int().min(LIMITS.maxNewTokens.min).max(LIMITS.maxNewTokens.max).default(30),
	mode: z.enum(['naive', 'cached']).default('naive'),
	strategy: z.enum(['greedy', 'sample']).default('greedy'),
	temperature: z.number().min(LIMITS.temperature.min).max(LIMITS.temperature.max).default(0.8),
	topK: z.number().int().min(LIMITS.topK.min).max(LIMITS.topK.max).default(40),
	topP: z.number().min(LIMITS.topP.min).max(LIMITS.topP.max).default(0.95),
	seed: z.number().int().min(LIMITS.seed.min).max(LIMITS.seed.max).default(42),
	speed: z.enum(['realtime', 'slow', 'step']).default('slow'),
	/** How many candidates the panel shows for each pick. */
	topCandidates: z.number().int().min(1).max(10).default(5),
});
export type RunnableProps = z.input<typeof runnablePropsSchema>;
export type RunnableConfig = z.output<typeof runnablePropsSchema>;

