import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { docsLoader, i18nLoader } from '@astrojs/starlight/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';

/** A prompt the reader pastes into an assistant; the order in the list is the order to use them. */
const tryItPrompt = z.string().trim().min(1);

export const collections = {
	docs: defineCollection({
		loader: docsLoader(),
		schema: docsSchema({
			extend: z.object({
				/**
				 * Prompts listed in the lesson's "Try it" section, in the order readers should use them.
				 * Each one gets copy and open-in-ChatGPT/Claude controls.
				 */
				tryIt: z.array(tryItPrompt).optional(),
			}),
		}),
	}),
	// UI string overrides, e.g. the heading anchor label that says the link is copied.
	i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
};
