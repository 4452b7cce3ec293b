/**
 * The props of the runnable parts, validated at build time: a bad prop fails the build with zod's
 * message. Kept apart from settings.ts so zod never reaches the browser bundle.
 */
import { z } from 'astro/zod';
import { DEFAULT_TOP_CANDIDATES, LIMITS } from './settings';
import { LOOP_VOCABULARIES, type LoopName } from '../../runtime/loops/vocabulary';

const loopNames = Object.keys(LOOP_VOCABULARIES) as [LoopName, ...LoopName[]];

/** Props of a run (<Run>, and the run half of <RunnableCode>). */
export const runPropsSchema = z.object({
	/** Unique on the page; names the run in links (`?rc=<id>`), element ids and panels' `for`. */
	id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'id: lowercase letters, digits and dashes, at most 40 characters'),
	title: z.string().optional(),
	/** The runtime loop the run drives; its step names are the ones the listing may use. */
	loop: z.enum(loopNames).default('generate'),
	prompt: z.string().max(LIMITS.promptLength).default('Hear, O Israel:'),
	maxNewTokens: z.number().int().min(LIMITS.maxNewTokens.min).max(LIMITS.maxNewTokens.max).default(30),
	mode: z.enum(['naive', 'cached']).default('naive'),
	strategy: z.enum(['greedy', 'sample']).default('greedy'),
	temperature: z.number().min(LIMITS.temperature.min).max(LIMITS.temperature.max).default(0.8),
	topK: z.number().int().min(LIMITS.topK.min).max(LIMITS.topK.max).default(40),
	topP: z.number().min(LIMITS.topP.min).max(LIMITS.topP.max).default(0.95),
	seed: z.number().int().min(LIMITS.seed.min).max(LIMITS.seed.max).default(42),
	speed: z.enum(['realtime', 'slow', 'step']).default('slow'),
	/** How many candidates the panel shows for each pick. */
	topCandidates: z.number().int().min(1).max(10).default(DEFAULT_TOP_CANDIDATES),
	/** Attach each step's raw logits to its select event ('all': every token), for panels that redraw a step. */
	reportLogits: z.enum(['top', 'all']).optional(),
	/** The continuous loop's scheduler: slots (rows at once), its policy and its KV memory in blocks. */
	slots: z.number().int().min(1).max(16).optional(),
	policy: z.enum(['continuous', 'static']).optional(),
	kvBlocks: z.number().int().min(1).max(4096).optional(),
});
export type RunProps = z.input<typeof runPropsSchema>;
export type RunConfig = z.output<typeof runPropsSchema>;

/** Props of <RunnableCode>: a run plus its listing. */
export const runnablePropsSchema = runPropsSchema.extend({
	/** The listing, with `# [!step NAME]` / `// [!step NAME]` annotations. */
	code: z.string().min(1),
	lang: z.string().default('python'),
});
export type RunnableProps = z.input<typeof runnablePropsSchema>;
export type RunnableConfig = z.output<typeof runnablePropsSchema>;

/** Parses props or fails the build naming the component and the bad props. */
export function parseProps<T extends z.ZodTypeAny>(schema: T, props: unknown, component: string): z.output<T> {
	const result = schema.safeParse(props);
	if (result.success) return result.data;
	const details = result.error.issues.map((i) => `${i.path.join('.') || 'props'}: ${i.message}`).join('; ');
	throw new Error(`${component}: invalid props: ${details}`);
}
