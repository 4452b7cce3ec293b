// The shipped model, through the real transformers.js and onnxruntime-node:
// it loads from disk, its tokenizer round-trips, its KV-cached path equals
// the full re-run, int8 stays close to fp32, and its logits match the ones
// torch produced at export time.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	AutoModelForCausalLM,
	AutoTokenizer,
	Tensor,
	env,
	type PreTrainedModel,
	type PreTrainedTokenizer,
} from '@huggingface/transformers';

const MODELS = resolve(import.meta.dirname, '../../public/models');
const MODEL_ID = 'kjv-gpt-2m';
const reference = JSON.parse(
	readFileSync(resolve(import.meta.dirname, 'fixtures/kjv-gpt-2m.reference.json'), 'utf8'),
) as { cases: { prompt: string; ids: number[]; last_logits: number[]; top10_ids: number[] }[] };

const PROMPTS = [
	'In the beginning',
	'And the LORD spake unto Moses, saying,',
	'Blessed are the',
	'The quick brown fox',
];
const LONG_RUN = 110;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = MODELS + '/';

let tokenizer: PreTrainedTokenizer;
let fp32: PreTrainedModel;
let q8: PreTrainedModel;
let eosId: number;

beforeAll(async () => {
	tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
	fp32 = await AutoModelForCausalLM.from_pretrained(MODEL_ID, { dtype: 'fp32' });
	q8 = await AutoModelForCausalLM.from_pretrained(MODEL_ID, { dtype: 'q8' });
	eosId = tokenizer.eos_token_id as number;
}, 120_000);

afterAll(async () => {
	await fp32?.dispose();
	await q8?.dispose();
});

function argmax(row: ArrayLike<number>, banned = -1): number {
	let best = -1;
	let bestValue = -Infinity;
	for (let i = 0; i < row.length; i++) {
		if (i !== banned && row[i] > bestValue) {
			bestValue = row[i];
			best = i;
		}
	}
	return best;
}

function lastRow(logits: Tensor): Float32Array {
	const [, seq, vocab] = logits.dims;
	return (logits.data as Float32Array).subarray((seq - 1) * vocab, seq * vocab);
}

function idsTensor(ids: number[]): Record<string, Tensor> {
	const n = ids.length;
	return {
		input_ids: new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, n]),
		attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
	};
}

/** The lesson's loop, literally: run the whole sequence, take the last row, argmax. */
async function naiveGreedy(model: PreTrainedModel, prompt: string, steps: number): Promise<number[]> {
	const ids = Array.from(tokenizer.encode(prompt));
	const out: number[] = [];
	for (let i = 0; i < steps; i++) {
		const { logits } = await model(idsTensor(ids));
		// EOS is banned so every prompt yields a long run to compare.
		const next = argmax(lastRow(logits), eosId);
		ids.push(next);
		out.push(next);
	}
	return out;
}

/** transformers.js's own generate(), which feeds one token at a time with the KV cache. */
async function cachedGreedy(model: PreTrainedModel, prompt: string, steps: number): Promise<number[]> {
	const inputs = tokenizer(prompt);
	const promptLength = inputs.input_ids.dims[1];
	const generated = (await model.generate({
		...inputs,
		max_new_tokens: steps,
		min_new_tokens: steps,
		do_sample: false,
	})) as Tensor;
	return Array.from(generated.tolist()[0] as bigint[])
		.slice(promptLength)
		.map(Number);
}

describe('kjv-gpt-2m', () => {
	it('loads through transformers.js from disk with remote models disabled', () => {
		expect(fp32.config.model_type).toBe('gpt2');
		expect(eosId).toBe(2047);
		expect(tokenizer.decode([eosId])).toBe('<|endoftext|>');
	});

	it('tokenizes exactly as the Python trainer did', () => {
		for (const c of reference.cases) {
			expect(Array.from(tokenizer.encode(c.prompt))).toEqual(c.ids);
		}
	});

	it.each([
		'Héllo wörld — naïve café, 東京, Ελληνικά',
		'emoji 👋🏽 and 🧑‍💻 ZWJ sequences',
		'runs   of\t\twhitespace\n\n\n  and trailing   ',
		'In the beginning<|endoftext|>And God said',
		'\u0000 control \u007f chars and \\ backslashes "quotes"',
	])('round-trips %j', (text) => {
		const ids = tokenizer.encode(text);
		expect(tokenizer.decode(ids)).toBe(text);
	});

	it('encodes the empty string as no tokens', () => {
		expect(Array.from(tokenizer.encode(''))).toEqual([]);
	});

	it('encodes <|endoftext|> as the single special token', () => {
		const ids = Array.from(tokenizer.encode('a<|endoftext|>b'));
		expect(ids.filter((id) => id === eosId)).toHaveLength(1);
		expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe('ab');
	});

	it('fp32 logits match the torch reference', async () => {
		for (const c of reference.cases) {
			const { logits } = await fp32(idsTensor(c.ids));
			const row = lastRow(logits);
			let maxDiff = 0;
			for (let i = 0; i < row.length; i++) maxDiff = Math.max(maxDiff, Math.abs(row[i] - c.last_logits[i]));
			expect(maxDiff).toBeLessThan(1e-3);
			expect(argmax(row)).toBe(c.top10_ids[0]);
		}
	});

	it(`fp32 greedy with the KV cache equals the full re-run for ${LONG_RUN} tokens`, async () => {
		for (const prompt of PROMPTS) {
			const naive = await naiveGreedy(fp32, prompt, LONG_RUN);
			const cached = await cachedGreedy(fp32, prompt, LONG_RUN);
			expect(cached, prompt).toEqual(naive);
		}
	}, 300_000);

	it('int8 stays close to fp32', async () => {
		const report: string[] = [];
		let agreeing = 0;
		let total = 0;
		for (const prompt of PROMPTS) {
			const a = await cachedGreedy(fp32, prompt, 40);
			const b = await cachedGreedy(q8, prompt, 40);
			let prefix = 0;
			while (prefix < a.length && a[prefix] === b[prefix]) prefix++;
			// Teacher-forced agreement: on fp32's own sequence, does int8 pick the same next token?
			const ids = [...Array.from(tokenizer.encode(prompt)), ...a];
			const start = ids.length - a.length;
			const [fa, fb] = [await fp32(idsTensor(ids)), await q8(idsTensor(ids))];
			const vocab = fa.logits.dims[2];
			const da = fa.logits.data as Float32Array;
			const db = fb.logits.data as Float32Array;
			let same = 0;
			for (let p = start - 1; p < ids.length - 1; p++) {
				const ra = da.subarray(p * vocab, (p + 1) * vocab);
				const rb = db.subarray(p * vocab, (p + 1) * vocab);
				if (argmax(ra) === argmax(rb)) same++;
			}
			agreeing += same;
			total += a.length;
			report.push(
				`${JSON.stringify(prompt)}: identical greedy prefix ${prefix}/40, next-token agreement ${same}/${a.length}`,
			);
		}
		const rate = agreeing / total;
		report.push(`overall next-token agreement int8 vs fp32: ${(rate * 100).toFixed(1)}%`);
		console.log(report.join('\n'));
		mkdirSync(resolve(import.meta.dirname, '../../test-results'), { recursive: true });
		writeFileSync(resolve(import.meta.dirname, '../../test-results/int8-agreement.txt'), report.join('\n') + '\n');
		expect(rate).toBeGreaterThan(0.9);
	}, 300_000);

	describe('a damaged model file', () => {
		let dir: string;
		beforeAll(() => {
			dir = mkdtempSync(join(tmpdir(), 'tbt-model-'));
			cpSync(join(MODELS, MODEL_ID), join(dir, MODEL_ID), { recursive: true });
		});

		async function loadFrom(root: string) {
			const saved = env.localModelPath;
			env.localModelPath = root + '/';
			try {
				return await AutoModelForCausalLM.from_pretrained(MODEL_ID, { dtype: 'fp32' });
			} finally {
				env.localModelPath = saved;
			}
		}

		it('rejects a truncated file with a clear error', async () => {
			const file = join(dir, MODEL_ID, 'onnx/model.onnx');
			const bytes = readFileSync(join(MODELS, MODEL_ID, 'onnx/model.onnx'));
			writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
			await expect(loadFrom(dir)).rejects.toThrow(/Load model from .*model\.onnx failed.*Protobuf parsing failed/);
		});

		it('rejects a garbage file with a clear error', async () => {
			const file = join(dir, MODEL_ID, 'onnx/model.onnx');
			writeFileSync(file, Buffer.from('<!doctype html><h1>404 Not Found</h1>'));
			await expect(loadFrom(dir)).rejects.toThrow(/Load model from .*model\.onnx failed.*Protobuf parsing failed/);
			copyFileSync(join(MODELS, MODEL_ID, 'onnx/model.onnx'), file);
		});
	});
});
