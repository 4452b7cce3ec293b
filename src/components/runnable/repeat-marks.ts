/**
 * Where a reply repeats itself, as pieces of text a panel can outline and label: runs of at least
 * `minLength` generated tokens that already occurred earlier, and the cycle the text ends in.
 * Pure; the search is the runtime's (src/runtime/repetition.ts), over token ids.
 */
import { findRepeats, trailingLoop } from '../../runtime/repetition';

export interface RepeatToken {
	id: number;
	token: string;
	generated: boolean;
}

export interface TextPiece {
	text: string;
	/** Set on a repeated run: its number (from 1) and where in the sequence it occurred first. */
	repeat?: { n: number; source: number; length: number };
}

export interface RepeatReport {
	/** The generated text in order, repeated runs as their own pieces. */
	pieces: TextPiece[];
	generated: number;
	/** Generated tokens inside a repeated run. */
	repeatedTokens: number;
	/** The cycle the text ends in, if any: one copy of it, its length and how many whole copies. */
	loop: { text: string; period: number; repeats: number } | null;
}

export function markRepeats(tokens: readonly RepeatToken[], minLength = 4): RepeatReport {
	const from = tokens.findIndex((t) => t.generated);
	const start = from < 0 ? tokens.length : from;
	const ids = tokens.map((t) => t.id);
	const spans = findRepeats(ids, minLength, start);
	const text = (a: number, b: number) =>
		tokens
			.slice(a, b)
			.map((t) => t.token)
			.join('');
	const pieces: TextPiece[] = [];
	let at = start;
	spans.forEach((span, i) => {
		if (span.start > at) pieces.push({ text: text(at, span.start) });
		pieces.push({
			text: text(span.start, span.start + span.length),
			repeat: { n: i + 1, source: span.source, length: span.length },
		});
		at = span.start + span.length;
	});
	if (at < tokens.length) pieces.push({ text: text(at, tokens.length) });
	const loop = trailingLoop(ids, start, 2, minLength);
	return {
		pieces,
		generated: tokens.length - start,
		repeatedTokens: spans.reduce((sum, s) => sum + s.length, 0),
		loop: loop && { text: text(loop.start, loop.start + loop.period), period: loop.period, repeats: loop.repeats },
	};
}
