/** Number formats a serving stack stores weights or KV caches in, and their bytes per value. */
export const DTYPES = {
	fp32: { label: 'fp32', bytesPerValue: 4 },
	bf16: { label: 'bf16', bytesPerValue: 2 },
	fp16: { label: 'fp16', bytesPerValue: 2 },
	fp8: { label: 'fp8', bytesPerValue: 1 },
	int8: { label: 'int8', bytesPerValue: 1 },
} as const satisfies Record<string, { label: string; bytesPerValue: number }>;

export type DtypeName = keyof typeof DTYPES;

export function isDtypeName(name: string): name is DtypeName {
	return Object.hasOwn(DTYPES, name);
}
