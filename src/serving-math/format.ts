/**
 * Number formatting for figures shown to readers. Bytes use binary units (1 KiB = 1,024 bytes),
 * which is what memory is sold and allocated in; pages that show them say so.
 */

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A whole number with thousands separators: 131072 → "131,072". */
export function formatCount(value: number): string {
	if (!Number.isFinite(value)) throw new RangeError(`Cannot format ${value} as a count.`);
	return grouped.format(value);
}

export interface BinarySize {
	value: number;
	unit: (typeof BINARY_UNITS)[number];
}

/** The largest binary unit in which `bytes` is at least 1, rounded to `fractionDigits` decimals. */
export function toBinaryUnit(bytes: number, fractionDigits = 2): BinarySize {
	if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`Cannot format ${bytes} as a size in bytes.`);
	const scale = 10 ** fractionDigits;
	let index = 0;
	let value = bytes;
	while (index < BINARY_UNITS.length - 1 && value >= 1024) {
		value /= 1024;
		index++;
	}
	value = Math.round(value * scale) / scale;
	// Rounding can carry into the next unit: 1,048,575 B is "1 MiB", not "1024 KiB".
	if (value >= 1024 && index < BINARY_UNITS.length - 1) {
		value = Math.round((value / 1024) * scale) / scale;
		index++;
	}
	return { value, unit: BINARY_UNITS[index]! };
}

/** Bytes in binary units, trailing zeros dropped: 131072 → "128 KiB", 1572864 → "1.5 MiB". */
export function formatBytes(bytes: number, fractionDigits = 2): string {
	const { value, unit } = toBinaryUnit(bytes, fractionDigits);
	const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: fractionDigits }).format(value);
	return `${number} ${unit}`;
}
