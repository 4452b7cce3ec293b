import { describe, expect, it } from 'vitest';
import { findRepeats, trailingLoop } from '../../src/runtime/repetition';

// Letters stand for token ids, so the cases read like text.
const ids = (s: string) => s.split(' ').map((w) => w.charCodeAt(0));

describe('findRepeats', () => {
	it('finds nothing in text that never repeats', () => {
		expect(findRepeats(ids('a b c d e f g'), 2)).toEqual([]);
	});
	it('marks a run that copies an earlier one, with where it came from', () => {
		expect(findRepeats(ids('x a b c y a b c z'), 3)).toEqual([{ start: 5, length: 3, source: 1 }]);
	});
	it('ignores repeats shorter than minLength', () => {
		expect(findRepeats(ids('a b x a b'), 3)).toEqual([]);
		expect(findRepeats(ids('a b x a b'), 2)).toEqual([{ start: 3, length: 2, source: 0 }]);
	});
	it('a loop is one span that overlaps its own source', () => {
		// After the first "a b c", everything repeats the text three tokens back.
		expect(findRepeats(ids('a b c a b c a b c a'), 3)).toEqual([{ start: 3, length: 7, source: 0 }]);
	});
	it('takes the longest earlier match, the earliest on a tie', () => {
		expect(findRepeats(ids('a b x a b c y a b c'), 2)).toEqual([
			{ start: 3, length: 2, source: 0 },
			{ start: 7, length: 3, source: 3 },
		]);
	});
	it('from skips the prompt: only the reply is marked, though it may repeat the prompt', () => {
		const t = ids('a b c d a b c d');
		expect(findRepeats(t, 3, 4)).toEqual([{ start: 4, length: 4, source: 0 }]);
		expect(findRepeats(t, 3, 8)).toEqual([]);
	});
	it('refuses a minLength below 1', () => {
		expect(() => findRepeats([1, 2], 0)).toThrow(RangeError);
	});
});

describe('trailingLoop', () => {
	it('finds the shortest cycle the end keeps repeating', () => {
		expect(trailingLoop(ids('x a b c a b c a b'))).toEqual({ start: 1, period: 3, repeats: 2 });
		expect(trailingLoop(ids('a b a b a b'))).toEqual({ start: 0, period: 2, repeats: 3 });
	});
	it('is null when the end does not repeat, or repeats too little', () => {
		expect(trailingLoop(ids('a b c d e'))).toBeNull();
		expect(trailingLoop(ids('x y a b a'))).toBeNull(); // 3 tokens of period 2: under minTokens
		expect(trailingLoop(ids('a a a'), 0, 2, 3)).toEqual({ start: 0, period: 1, repeats: 3 });
	});
	it('looks only from `from` on', () => {
		expect(trailingLoop(ids('a b a b c'), 0)).toBeNull();
		expect(trailingLoop(ids('a b a b a b'), 3)).toBeNull(); // three tokens left
		expect(trailingLoop(ids('a b a b a b'), 2)).toEqual({ start: 2, period: 2, repeats: 2 });
	});
});
