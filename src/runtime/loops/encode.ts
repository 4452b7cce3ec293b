/**
 * The 'encode' step every loop starts with, including its two edge cases: a
 * prompt longer than the context keeps its end (room is left for one new
 * token), and an empty prompt starts from the BOS/EOS token, as GPT-2 was trained to.
 */

import { RuntimeError } from '../errors';
import type { EncodeEvent } from '../events';
import type { LoadedModel } from '../loader';

export type Encoded = Omit<EncodeEvent, 'step' | 'index' | 'iteration'>;

export function encode(
	codec: Pick<LoadedModel['codec'], 'encode' | 'token'>,
	prompt: string,
	contextSize: number,
	bosId: number,
): Encoded {
	let ids = codec.encode(prompt);
	const notices: string[] = [];
	let truncated: EncodeEvent['truncated'];
	let startedFromBos = false;
	if (ids.length === 0) {
		ids = [bosId];
		startedFromBos = true;
		notices.push('The prompt is empty, so generation starts from the <|endoftext|> token.');
	} else if (ids.length > contextSize - 1) {
		const keep = contextSize - 1;
		const dropped = ids.length - keep;
		ids = ids.slice(dropped);
		truncated = { droppedTokens: dropped, contextSize };
		notices.push(
			`The prompt is ${keep + dropped} tokens but the model sees at most ${contextSize}; its first ${dropped} tokens were dropped so one new token fits.`,
		);
	}
	const out: Encoded = {
		ids,
		tokens: ids.map((id) => codec.token(id)),
		startedFromBos,
		notices,
	};
	if (truncated) out.truncated = truncated;
	return out;
}

export function checkPrompt(prompt: unknown, field = 'prompt'): asserts prompt is string {
	if (typeof prompt !== 'string') {
		throw new RuntimeError(
			'bad-settings',
			`Invalid ${field}: expected a string, got ${prompt === null ? 'null' : typeof prompt}`,
			{ field },
		);
	}
}
