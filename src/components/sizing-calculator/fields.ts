/**
 * The calculator's number fields: what a reader may type, and what the page uses instead when it
 * cannot use what they typed. Every fallback comes with a sentence saying which value is used.
 */

export interface NumberRule {
	/** How the message names the field, e.g. "Concurrent users". */
	label: string;
	min: number;
	max: number;
	integer: boolean;
	/** Why `max` is the limit, appended to the message when a value goes over it. */
	maxReason?: string;
	/** How a value is written in a message and back into the field: 8192 → "8,192", 2.5 → "$2.50". */
	format: (value: number) => string;
}

export interface ParsedField {
	/** The value the calculator uses. */
	value: number;
	/** Set when `value` is not what the reader typed: says why, and which value is used. */
	message?: string;
}

/** Reads a field: accepts "8,192", " 8192 ", "$2.50", "1e3"; anything unusable falls back to `previous`. */
export function parseNumberField(raw: string, rule: NumberRule, previous: number): ParsedField {
	const text = String(raw).trim();
	const using = (value: number) => `using ${rule.format(value)}`;
	if (text === '') return { value: previous, message: `${rule.label} is empty; ${using(previous)}.` };
	const cleaned = text.replace(/^\$/, '').replace(/[,_\s]/g, '');
	const number = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cleaned) ? Number(cleaned) : Number.NaN;
	if (!Number.isFinite(number)) {
		return { value: previous, message: `“${clip(text)}” is not a number; ${using(previous)}.` };
	}
	if (number < rule.min) {
		return { value: rule.min, message: `${rule.label} must be at least ${rule.format(rule.min)}; ${using(rule.min)}.` };
	}
	if (number > rule.max) {
		const reason = rule.maxReason ? ` ${rule.maxReason}` : '';
		return {
			value: rule.max,
			message: `${rule.label} can be at most ${rule.format(rule.max)}.${reason} ${capitalise(using(rule.max))}.`,
		};
	}
	if (rule.integer && !Number.isInteger(number)) {
		const rounded = Math.min(rule.max, Math.max(rule.min, Math.round(number)));
		return { value: rounded, message: `${rule.label} must be a whole number; ${using(rounded)}.` };
	}
	return { value: number };
}

function clip(text: string): string {
	return text.length > 24 ? `${text.slice(0, 23)}…` : text;
}

function capitalise(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
