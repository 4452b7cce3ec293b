/** Two runs' token sequences compared: identical, or where they first part, in a sentence. */
import { showToken } from './describe';
import type { TokenChip } from './view-model';

export interface TokenComparison {
	kind: 'same' | 'differ';
	/** 0-based position of the first difference; undefined when identical. */
	at?: number;
	text: string;
}

export function compareTokens(
	x: readonly TokenChip[],
	y: readonly TokenChip[],
	[nx, ny]: readonly [string, string],
): TokenComparison {
	const n = Math.min(x.length, y.length);
	for (let i = 0; i < n; i++) {
		const a = x[i]!;
		const b = y[i]!;
		if (a.id !== b.id) {
			return {
				kind: 'differ',
				at: i,
				text: `The tokens differ at position ${i} (token ${i + 1}): ${nx} has ${showToken(a.token)} (id ${a.id}), ${ny} has ${showToken(b.token)} (id ${b.id}).`,
			};
		}
	}
	if (x.length !== y.length) {
		return {
			kind: 'differ',
			at: n,
			text: `The tokens agree for ${n}, then ${x.length > y.length ? nx : ny} goes on: ${nx} has ${x.length} tokens, ${ny} ${y.length}.`,
		};
	}
	return {
		kind: 'same',
		text: `Identical: both runs produced the same ${x.length} tokens (${x.filter((t) => t.generated).length} generated).`,
	};
}
