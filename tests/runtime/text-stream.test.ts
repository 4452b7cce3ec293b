/**
 * The loops' running text comes from TextStream, which decodes only the tail of
 * the sequence since its last whole character: it must equal decoding the whole
 * sequence after every token, including through multi-byte characters split
 * across byte-level tokens.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextCodec } from '../../src/runtime/tokenizer';
import { PUBLIC_DIR } from './helpers';

async function codec(): Promise<TextCodec> {
	const dir = path.join(PUBLIC_DIR, 'models/kjv-gpt-2m');
	const json = async (f: string) => JSON.parse(await readFile(path.join(dir, f), 'utf8')) as object;
	return new TextCodec(await json('tokenizer.json'), await json('tokenizer_config.json'));
}

function everyPrefix(c: TextCodec, ids: number[]): { streamed: string[]; decoded: string[] } {
	const s = c.stream();
	return {
		streamed: ids.map((id) => s.push(id)),
		decoded: ids.map((_, i) => c.decode(ids.slice(0, i + 1))),
	};
}

describe('TextStream', () => {
	it('equals decode() of the whole sequence after every token', async () => {
		const c = await codec();
		for (const text of [
			'In the beginning God created the heaven and the earth.',
			'And the LORD spake unto Moses, saying,',
			'Café — naïve “quotes” and 中文 and 🙂 and é',
		]) {
			const { streamed, decoded } = everyPrefix(c, c.encode(text));
			expect(streamed).toEqual(decoded);
			expect(streamed.at(-1)).toBe(text);
		}
	});

	it('holds a split character until its last byte arrives, and skips EOS like decode()', async () => {
		const c = await codec();
		const ids = c.encode('🙂 amen');
		// The emoji's four bytes are more than one token in this vocabulary: a prefix ends mid-character.
		expect(c.decode(ids.slice(0, 1))).toContain('\uFFFD');
		const eos = 2047;
		expect(c.token(eos)).toBe('<|endoftext|>');
		const { streamed, decoded } = everyPrefix(c, [...ids, eos]);
		expect(streamed).toEqual(decoded);
		expect(streamed.at(-1)).toBe('🙂 amen');
	});
});
