// How the runnable parts read loops other than lesson 1's: the stream and batched loops' events
// folded into what the panels show, and each loop's input and settings from the reader's form.
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../src/runtime/loops/stream-events';
import type { BatchedEvent } from '../../src/runtime/loops/batched-events';
import type { ReaderSettings } from '../../src/components/runnable/settings';
import { describeStep, pendingStep, viewAt, type ViewSource } from '../../src/components/runnable/view-model';
import { loopArguments } from '../../src/components/runnable/runtime-adapter';
import { compareTokens } from '../../src/components/runnable/compare-tokens';

const cand = (id: number, token: string, prob: number) => ({ id, token, prob, logit: Math.log(prob) });
const KV = 6144;

const stream: StreamEvent[] = [
	{
		step: 'encode',
		index: 0,
		iteration: -1,
		ids: [10, 11],
		tokens: ['And', ' God'],
		startedFromBos: false,
		notices: [],
	},
	{ step: 'prefill', index: 1, iteration: 0, promptTokens: 2, ms: 5, tokensPerSecond: 400, kvBytes: 2 * KV },
	{
		step: 'select',
		index: 2,
		iteration: 0,
		strategy: 'greedy',
		candidates: [cand(12, ' said', 0.6)],
		chosen: cand(12, ' said', 0.6),
	},
	{ step: 'token', index: 3, iteration: 0, id: 12, token: ' said', length: 3, generatedText: ' said', atMs: 6 },
	{ step: 'stop-check', index: 4, iteration: 0, id: 12, reason: null, decision: 'continue' },
	{ step: 'decode', index: 5, iteration: 1, position: 2, sequenceLength: 3, ms: 2, kvBytes: 3 * KV },
	{
		step: 'select',
		index: 6,
		iteration: 1,
		strategy: 'greedy',
		candidates: [cand(13, ',', 0.5)],
		chosen: cand(13, ',', 0.5),
	},
	{ step: 'token', index: 7, iteration: 1, id: 13, token: ',', length: 4, generatedText: ' said,', atMs: 9 },
	{ step: 'stop-check', index: 8, iteration: 1, id: 13, reason: 'max_new', decision: 'stop' },
	{
		step: 'done',
		index: 9,
		iteration: 1,
		reason: 'max_new',
		ids: [10, 11, 12, 13],
		text: 'And God said,',
		generatedText: ' said,',
		stats: {
			promptTokens: 2,
			newTokens: 2,
			timeToFirstTokenMs: 6,
			timePerOutputTokenMs: 3,
			totalMs: 10,
			prefillMs: 5,
			decodeStepMs: [2],
			prefillTokensPerSecond: 400,
			decodeTokensPerSecond: 500,
		},
	},
];

// Two rows: "And" (1 token, padded by 1) and "And God" (2 tokens); row 0 stops at EOS after one token.
const batched: BatchedEvent[] = [
	{
		step: 'encode',
		index: 0,
		iteration: -1,
		rows: [
			{ ids: [10], tokens: ['And'], startedFromBos: false, notices: [] },
			{ ids: [10, 11], tokens: ['And', ' God'], startedFromBos: false, notices: [] },
		],
	},
	{ step: 'pad', index: 1, iteration: -1, rows: 2, width: 2, padding: [1, 0], paddingTokens: 1 },
	{
		step: 'forward',
		index: 2,
		iteration: 0,
		rows: 2,
		activeRows: 2,
		inputLength: 2,
		sequenceLength: 2,
		usedCache: false,
		paddingTokens: 1,
		kvBytes: 4 * KV,
		ms: 4,
	},
	{
		step: 'select',
		index: 3,
		iteration: 0,
		strategy: 'greedy',
		rows: [
			{ row: 0, chosen: cand(2047, '', 0.9), candidates: [] },
			{ row: 1, chosen: cand(12, ' said', 0.7), candidates: [] },
		],
	},
	{
		step: 'append',
		index: 4,
		iteration: 0,
		rows: [
			{ row: 0, id: 2047, token: '', length: 2, generatedText: '' },
			{ row: 1, id: 12, token: ' said', length: 3, generatedText: ' said' },
		],
	},
	{
		step: 'stop-check',
		index: 5,
		iteration: 0,
		rows: [
			{ row: 0, id: 2047, isEos: true, reason: 'eos' },
			{ row: 1, id: 12, isEos: false, reason: null },
		],
		active: [1],
	},
	{
		step: 'forward',
		index: 6,
		iteration: 1,
		rows: 2,
		activeRows: 1,
		inputLength: 1,
		sequenceLength: 3,
		usedCache: true,
		paddingTokens: 1,
		kvBytes: 6 * KV,
		ms: 2,
	},
	{
		step: 'select',
		index: 7,
		iteration: 1,
		strategy: 'greedy',
		rows: [{ row: 1, chosen: cand(13, ',', 0.5), candidates: [] }],
	},
	{
		step: 'append',
		index: 8,
		iteration: 1,
		rows: [{ row: 1, id: 13, token: ',', length: 4, generatedText: ' said,' }],
	},
	{
		step: 'stop-check',
		index: 9,
		iteration: 1,
		rows: [{ row: 1, id: 13, isEos: false, reason: 'max_new' }],
		active: [],
	},
	{
		step: 'done',
		index: 10,
		iteration: 1,
		reason: 'max_new',
		rows: [
			{
				row: 0,
				reason: 'eos',
				ids: [10, 2047],
				promptLength: 1,
				text: 'And',
				generatedText: '',
				newTokens: 1,
				finishedAtMs: 5,
			},
			{
				row: 1,
				reason: 'max_new',
				ids: [10, 11, 12, 13],
				promptLength: 2,
				text: 'And God said,',
				generatedText: ' said,',
				newTokens: 2,
				finishedAtMs: 8,
			},
		],
		stats: {
			rows: 2,
			forwardPasses: 2,
			perStepMs: [4, 2],
			timeToFirstTokenMs: 5,
			totalMs: 8,
			newTokens: 3,
			tokensPerSecond: 375,
			perRowTokensPerSecond: 300,
			paddingTokens: 2,
			kvBytes: 6 * KV,
		},
	},
];

describe('the stream loop in the panels', () => {
	it('charts prefill then decode, strips the tokens, and reads the cache after each pass', () => {
		const view = viewAt(stream, stream.length - 1, 'stream');
		expect(view.forwardMs).toEqual([5, 2]);
		expect(view.tokens.map((t) => [t.id, t.generated])).toEqual([
			[10, false],
			[11, false],
			[12, true],
			[13, true],
		]);
		expect(view.cache).toEqual([
			{ bytes: 2 * KV, tokens: 2, rows: 1 },
			{ bytes: 3 * KV, tokens: 3, rows: 1 },
		]);
		expect(view.done).toMatchObject({
			reason: 'max_new',
			newTokens: 2,
			timeToFirstTokenMs: 6,
			totalMs: 10,
			tokensPerSecond: 200,
		});
		expect(view.generatedText).toBe(' said,');
		expect(describeStep(stream[1])).toBe(
			'prefill: one pass over the 2 prompt tokens, keeping their keys and values; 5.0 ms.',
		);
		expect(describeStep(stream[5])).toBe('decode: fed 1 token at position 2, the cache now holds 3; 2.0 ms.');
	});

	it('marks the prefill in progress after encode and the decode after a "continue"', () => {
		const source = (n: number): ViewSource => ({
			state: 'running',
			pace: 'realtime',
			events: stream.slice(0, n),
			shownIndex: n - 1,
			loop: 'stream',
		});
		expect(pendingStep(source(1))).toBe('prefill');
		expect(pendingStep(source(5))).toBe('decode');
		expect(pendingStep(source(9))).toBeUndefined();
	});
});

describe('the batched loop in the panels', () => {
	it('keeps one strip per row, with left padding and a pad column per pass after a row finished', () => {
		const view = viewAt(batched, batched.length - 1, 'batched');
		expect(view.rows).toHaveLength(2);
		const [row0, row1] = view.rows;
		expect(row0!.tokens.map((t) => (t.pad ? 'pad' : t.id))).toEqual(['pad', 10, 2047, 'pad']);
		expect(row0!.padding).toBe(2);
		expect(row0!.reason).toBe('eos');
		expect(row1!.tokens.map((t) => (t.pad ? 'pad' : t.id))).toEqual([10, 11, 12, 13]);
		expect(row1!.padding).toBe(0);
		expect(row1!.reason).toBe('max_new');
		// Every pad shown is a pad the batch fed.
		expect(row0!.padding + row1!.padding).toBe(
			batched.filter((e) => e.step === 'forward').reduce((n, e) => n + (e.step === 'forward' ? e.paddingTokens : 0), 0),
		);
		expect(view.forwardMs).toEqual([4, 2]);
		expect(view.cache.at(-1)).toEqual({ bytes: 6 * KV, tokens: 3, rows: 2 });
		expect(view.done).toMatchObject({ reason: 'max_new', newTokens: 3, tokensPerSecond: 375 });
	});

	it('marks the forward pass in progress after pad and while rows are active', () => {
		const source = (n: number): ViewSource => ({
			state: 'running',
			pace: 'slow',
			events: batched.slice(0, n),
			shownIndex: n - 1,
			loop: 'batched',
		});
		expect(pendingStep(source(2))).toBe('forward');
		expect(pendingStep(source(6))).toBe('forward');
		expect(pendingStep(source(10))).toBeUndefined();
	});
});

describe("a loop's input and settings from the reader's form", () => {
	const reader: ReaderSettings = {
		prompt: 'And\nIn the beginning',
		maxNewTokens: 7,
		mode: 'naive',
		strategy: 'greedy',
		temperature: 0.8,
		topK: 40,
		topP: 0.95,
		seed: 42,
	};

	it('runs generate on the prompt, stream without a mode, batched and continuous on one prompt a line', () => {
		expect(loopArguments('generate', reader, 3)).toEqual({
			input: reader.prompt,
			settings: { maxNewTokens: 7, mode: 'naive', topCandidates: 3, sampling: { strategy: 'greedy' } },
		});
		expect(loopArguments('stream', reader, 3)).toEqual({
			input: reader.prompt,
			settings: { maxNewTokens: 7, topCandidates: 3, sampling: { strategy: 'greedy' } },
		});
		expect(loopArguments('batched', reader, 3).input).toEqual(['And', 'In the beginning']);
		expect(loopArguments('continuous', reader, 3)).toEqual({
			input: {
				requests: [
					{ prompt: 'And', maxNewTokens: 7 },
					{ prompt: 'In the beginning', maxNewTokens: 7 },
				],
			},
			settings: { slots: 2, sampling: { strategy: 'greedy' }, topCandidates: 3 },
		});
	});
});

describe("comparing two runs' tokens", () => {
	const chip = (id: number, token: string, generated = true) => ({ id, token, generated });
	const prompt = [chip(10, 'And', false), chip(11, ' God', false)];
	const names = ['the naive loop', 'the cached loop'] as const;

	it('says identical, or where the runs first part', () => {
		const a = [...prompt, chip(12, ' said'), chip(13, ',')];
		expect(compareTokens(a, [...a], names)).toEqual({
			kind: 'same',
			text: 'Identical: both runs produced the same 4 tokens (2 generated).',
		});
		expect(compareTokens(a, [...prompt, chip(12, ' said'), chip(14, ' unto')], names)).toEqual({
			kind: 'differ',
			at: 3,
			text: 'The tokens differ at position 3 (token 4): the naive loop has “,” (id 13), the cached loop has “·unto” (id 14).',
		});
		expect(compareTokens(a, a.slice(0, 3), names)).toMatchObject({
			kind: 'differ',
			at: 3,
			text: 'The tokens agree for 3, then the naive loop goes on: the naive loop has 4 tokens, the cached loop 3.',
		});
	});
});
