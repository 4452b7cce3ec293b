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
