// Shared by the runtime specs: the harness page's window API and how to open it.
import type { Page } from '@playwright/test';
import { expect, localUrl } from '../support/fixtures';
import type { DoneEvent, GenerateSettings, Sampling, StepEvent } from '../../src/runtime/events';

export interface HarnessError {
	name: string;
	kind: string;
	message: string;
}
export interface Harness {
	distribution(logits: ArrayLike<number>, sampling: Sampling): number[];
	load(opts?: object): Promise<{ ok: boolean; info?: any; progress?: any[]; error?: HarnessError }>;
	loadThenCancel(opts?: object, ms?: number): Promise<{ ok: boolean; error?: HarnessError }>;
	run(
		prompt: string,
		settings: GenerateSettings,
		opts?: object,
	): Promise<{
		ok: boolean;
		events: StepEvent[];
		error?: HarnessError;
		frames: { longestFrameGapMs: number; frames: number };
	}>;
	stepThenStop(
		prompt: string,
		settings: GenerateSettings,
		steps: number,
	): Promise<{ stepped: StepEvent[]; extra: unknown; done: DoneEvent }>;
}
declare global {
	interface Window {
		runtimeHarness: Harness;
	}
}

export const greedy = (maxNewTokens: number, mode: 'naive' | 'cached'): GenerateSettings => ({
	maxNewTokens,
	mode,
	sampling: { strategy: 'greedy' },
});

export const doneOf = (events: StepEvent[]) => events.at(-1) as DoneEvent;

export async function openHarness(page: Page): Promise<void> {
	await page.goto(localUrl('dev/runtime-harness/'));
	await expect(page.locator('#status')).toHaveText('ready');
}
