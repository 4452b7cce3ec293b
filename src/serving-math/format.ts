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

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/**
 * Bytes in decimal units (1 GB = 10⁹ bytes), as GPU data sheets print memory: 16060522496 →
 * "16.06 GB". Negative sizes keep their sign, for "memory left" that runs short.
 */
export function formatDecimalBytes(bytes: number, fractionDigits = 2): string {
	if (!Number.isFinite(bytes)) throw new RangeError(`Cannot format ${bytes} as a size in bytes.`);
	let index = 0;
	let value = Math.abs(bytes);
	while (index < DECIMAL_UNITS.length - 1 && value >= 1000) {
		value /= 1000;
		index++;
	}
	const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: index === 0 ? 0 : fractionDigits }).format(
		value,
	);
	return `${bytes < 0 ? '−' : ''}${number} ${DECIMAL_UNITS[index]}`;
}

/** A measurement to `digits` significant figures, grouped: 4.79424 → "4.79", 2490.7 → "2,490". */
export function formatSignificant(value: number, digits = 3): string {
	if (!Number.isFinite(value)) throw new RangeError(`Cannot format ${value} as a number.`);
	if (value === 0) return '0';
	const magnitude = Math.floor(Math.log10(Math.abs(value)));
	const fractionDigits = Math.max(0, digits - 1 - magnitude);
	// Large values round away digits before the point; small ones only after it.
	const scale = 10 ** (magnitude - digits + 1);
	const rounded = magnitude >= digits - 1 ? Math.round(value / scale) * scale : value;
	return new Intl.NumberFormat('en-US', { maximumFractionDigits: fractionDigits }).format(rounded);
}

/** Dollars with cents, or with three significant figures below one cent: 2.5 → "$2.50", 0.0042 → "$0.0042". */
export function formatDollars(value: number): string {
	if (!Number.isFinite(value) || value < 0) throw new RangeError(`Cannot format ${value} as dollars.`);
	if (value !== 0 && value < 0.01) return `$${formatSignificant(value, 2)}`;
	return `$${new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)}`;
}
