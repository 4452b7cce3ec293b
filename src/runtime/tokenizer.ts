/**
 * The tokenizer, from @huggingface/tokenizers: the same JS implementation
 * transformers.js uses, without transformers.js (whose web build would pull a
 * second, bigger onnxruntime-web into the bundle).
 */

import { Tokenizer } from '@huggingface/tokenizers';

export class TextCodec {
	private readonly tokenizer: Tokenizer;
	/** Per-id display strings, filled lazily: the loop asks for the same ids often. */
	private readonly pieces: (string | undefined)[] = [];

	constructor(tokenizerJson: object, tokenizerConfig: object) {
		this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
	}

	encode(text: string): number[] {
		// GPT-2 adds no special tokens; the loop decides about BOS itself.
		return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
	}

	/** Text of a sequence; special tokens (the EOS marker) are left out. */
	decode(ids: readonly number[]): string {
		if (ids.length === 0) return '';
		return this.tokenizer.decode(ids as number[], { skip_special_tokens: true });
	}

	/** A decoder for a sequence that grows a token at a time (see TextStream). */
	stream(): TextStream {
		return new TextStream(this);
	}

	/**
	 * How one token reads on its own, e.g. " the". Special tokens keep their name
	 * ("<|endoftext|>") so the lesson can show the model choosing to stop. A lone
	 * piece of a multi-byte character shows as U+FFFD.
	 */
	token(id: number): string {
		let s = this.pieces[id];
		if (s === undefined) {
			s = this.tokenizer.decode([id], { skip_special_tokens: false });
			this.pieces[id] = s;
		}
		return s;
	}
}

/**
 * The text of a growing sequence, `decode(ids)` after every push, without
 * decoding the whole sequence each time (that grows with the text). Text that
 * ends in a whole character is final: byte-level BPE decodes a concatenation of
 * whole characters' bytes as the concatenation of their texts. A tail that ends
 * in U+FFFD (part of a multi-byte character, or a real U+FFFD) is decoded again
 * with the next token until it ends in a whole character.
 */
export class TextStream {
	private settled = '';
	private pending: number[] = [];

	constructor(private readonly codec: Pick<TextCodec, 'decode'>) {}

	/** Appends one id; returns the text of every id pushed so far. */
	push(id: number): string {
		this.pending.push(id);
		const tail = this.codec.decode(this.pending);
		if (tail.endsWith('\uFFFD')) return this.settled + tail;
		this.settled += tail;
		this.pending = [];
		return this.settled;
	}
}
