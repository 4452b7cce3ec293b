/**
 * The prompts of lesson 3's demo, cut from one passage (Genesis 1:1–10, KJV) so that a reader can
 * ask for a prompt of any length in tokens without the page loading the tokenizer. `TOKEN_ENDS[k]`
 * is where the passage's first k + 1 tokens end, as the shipped model's tokenizer splits it;
 * tests/unit/latency-demo.test.ts checks every prefix against the real tokenizer. The first 8
 * tokens are "In the beginning God created", one of the course's default prompts.
 */

export const PASSAGE = [
	'In the beginning God created the heaven and the earth. And the earth was without form, and void; and',
	' darkness was upon the face of the deep. And the Spirit of God moved upon the face of the waters. ',
	'And God said, Let there be light: and there was light. And God saw the light, that it was good: and ',
	'God divided the light from the darkness. And God called the light Day, and the darkness he called ',
	'Night. And the evening and the morning were the first day. And God said, Let there be a firmament in',
	' the midst of the waters, and let it divide the waters from the waters. And God made the firmament, ',
	'and divided the waters which were under the firmament from the waters which were above the ',
	'firmament: and it was so. And God called the firmament Heaven. And the evening and the morning were ',
	'the second day. And God said, Let the waters under the heaven be gathered together unto one place, ',
	'and let the dry land appear: and it was so. And God called the dry land Earth; and the gathering ',
	'together of the waters called he Seas: and God saw that it was good.',
].join('');

/** Character offset in PASSAGE after each token: the prefix of k tokens is PASSAGE.slice(0, TOKEN_ENDS[k - 1]). */
export const TOKEN_ENDS: readonly number[] = [
	2, 6, 12, 16, 20, 22, 26, 28, 32, 39, 43, 47, 53, 54, 58, 62, 68, 72, 80, 84, 85, 86, 90, 92, 93, 95, 96, 100, 109,
	113, 118, 122, 127, 130, 134, 137, 139, 140, 144, 148, 155, 158, 162, 165, 168, 173, 177, 182, 185, 189, 196, 197,
	201, 205, 210, 211, 215, 221, 224, 230, 231, 235, 241, 245, 251, 252, 256, 260, 264, 268, 274, 275, 280, 283, 287,
	292, 293, 297, 301, 305, 307, 309, 313, 319, 324, 328, 337, 338, 342, 346, 353, 357, 363, 365, 367, 368, 372, 376,
	385, 388, 395, 397, 401, 402, 406, 410, 415, 418, 422, 426, 434, 439, 443, 449, 453, 454, 458, 462, 467, 468, 472,
	478, 481, 483, 485, 487, 488, 490, 493, 496, 500, 506, 509, 513, 520, 521, 525, 529, 532, 536, 539, 543, 550, 555,
	559, 566, 567, 571, 575, 580, 584, 586, 588, 589, 591, 594, 595, 599, 603, 605, 607, 611, 618, 624, 629, 635, 639,
	641, 643, 644, 646, 649, 654, 658, 665, 671, 676, 682, 686, 688, 690, 691, 693, 696, 697, 701, 704, 708, 711, 712,
	716, 720, 727, 731, 733, 735, 736, 738, 741, 743, 745, 748, 749, 753, 757, 762, 765, 769, 773, 781, 786, 790, 797,
	801, 802, 806, 810, 815, 816, 820, 824, 831, 837, 841, 848, 851, 860, 869, 874, 878, 884, 885, 889, 893, 897, 899,
	901, 906, 910, 913, 914, 918, 921, 925, 928, 929, 933, 937, 944, 948, 950, 952, 957, 959, 961, 963, 964, 968, 972,
	979, 982, 991, 994, 998, 1005, 1012, 1015, 1017, 1020, 1021, 1025, 1029, 1033, 1038, 1041, 1045, 1050, 1051,
];

/** The longest prompt the passage offers, in tokens. */
export const PASSAGE_TOKENS = TOKEN_ENDS.length;

/** The passage's first `tokens` tokens as text (1 ≤ tokens ≤ PASSAGE_TOKENS). */
export function promptOfLength(tokens: number): string {
	if (!Number.isInteger(tokens) || tokens < 1 || tokens > PASSAGE_TOKENS) {
		throw new RangeError(`A prompt from the passage has 1 to ${PASSAGE_TOKENS} tokens, not ${tokens}.`);
	}
	return PASSAGE.slice(0, TOKEN_ENDS[tokens - 1]);
}
