/**
 * A prompt over the 256-token context keeps its last 255 tokens, and every
 * named loop says so in its first event, across the worker boundary: the page
 * has `truncated` (how many tokens were dropped) and a ready-made notice to show.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createRuntimeClient, type RuntimeClient } from '../../src/runtime/client';
import type { EncodeEvent } from '../../src/runtime/events';
import type { RowEncoding } from '../../src/runtime/loops/batched-events';
import { TextCodec } from '../../src/runtime/tokenizer';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MODEL_URL, PUBLIC_DIR, collect } from './helpers';
import { connectInProcess } from './in-process';

const LONG = 'And God said, Let there be light: and there was light. '.repeat(40);
const SHORT = 'In the beginning';
const sampling = { strategy: 'greedy' as const };

let rt: RuntimeClient;
let longTokens = 0;

beforeAll(async () => {
	rt = createRuntimeClient(connectInProcess());
	await rt.load({ model: MODEL_URL });
	// Counted by the tokenizer alone, not by the runtime under test.
	const json = async (f: string) => JSON.parse(await readFile(path.join(PUBLIC_DIR, 'models/kjv-gpt-2m', f), 'utf8'));
	const codec = new TextCodec(await json('tokenizer.json'), await json('tokenizer_config.json'));
	longTokens = codec.encode(SHORT + LONG).length;
});

/** What the page needs from one prompt's encoding when it was cut. */
function expectCut(e: Pick<EncodeEvent, 'ids' | 'truncated' | 'notices'>, total: number) {
	const dropped = total - 255;
	expect(dropped).toBeGreaterThan(0);
	expect(e.ids).toHaveLength(255);
	expect(e.truncated).toEqual({ droppedTokens: dropped, contextSize: 256 });
	expect(e.notices).toEqual([
		`The prompt is ${total} tokens but the model sees at most 256; its first ${dropped} tokens were dropped so one new token fits.`,
	]);
}

const uncut = (e: RowEncoding) => {
	expect(e.truncated).toBeUndefined();
	expect(e.notices).toEqual([]);
};

describe('an over-long prompt is reported by every loop, in its first event', () => {
	it('generate (both modes)', async () => {
		for (const mode of ['naive', 'cached'] as const) {
			const events = await collect(rt.generate(SHORT + LONG, { maxNewTokens: 2, mode, sampling }));
			expect(events[0]!.step).toBe('encode');
			expectCut(events[0] as EncodeEvent, longTokens);
		}
	});

	it('stream', async () => {
		const events = await collect(rt.run('stream', SHORT + LONG, { maxNewTokens: 2, sampling }));
		const enc = events[0]!;
		if (enc.step !== 'encode') throw new Error(`first event is ${enc.step}`);
		expectCut(enc, longTokens);
	});

	it('batched: per row, only the long row', async () => {
		const events = await collect(
			rt.run('batched', [SHORT, SHORT + LONG], { maxNewTokens: 2, mode: 'cached', sampling }),
		);
		const enc = events[0]!;
		if (enc.step !== 'encode') throw new Error(`first event is ${enc.step}`);
		uncut(enc.rows[0]!);
		expectCut(enc.rows[1]!, longTokens);
	});

	it('continuous: per request, only the long one', async () => {
		const input = {
			requests: [
				{ prompt: SHORT + LONG, maxNewTokens: 2 },
				{ prompt: SHORT, maxNewTokens: 2 },
			],
		};
		const events = await collect(rt.run('continuous', input, { slots: 2, sampling }));
		const enc = events[0]!;
		if (enc.step !== 'encode') throw new Error(`first event is ${enc.step}`);
		expectCut(enc.requests[0]!, longTokens);
		uncut(enc.requests[1]!);
	});
});
