/**
 * GPUs the course sizes deployments for, each figure as its maker's data sheet states it.
 * Data sheets give memory in GB and bandwidth in TB/s or GB/s; both are stored in decimal units
 * (1 GB = 10⁹ bytes). Bandwidth is decimal on the sheets; a card's memory is often nearer to GiB,
 * so reading its GB as 10⁹ bytes errs on the side of fitting fewer sequences.
 */
import type { Source } from './models';

export interface GpuSpec {
	id: string;
	name: string;
	/** GPU memory, bytes (the data sheet's GB × 10⁹). */
	memoryBytes: number;
	/** Peak memory bandwidth, bytes per second (the data sheet's TB/s × 10¹², GB/s × 10⁹). */
	bandwidthBytesPerSecond: number;
	/** The two figures as the data sheet prints them, for showing beside the source. */
	published: { memory: string; bandwidth: string };
	source: Source;
}

const gpusById = {
	'h100-sxm': {
		id: 'h100-sxm',
		name: 'NVIDIA H100 SXM',
		memoryBytes: 80e9,
		bandwidthBytesPerSecond: 3.35e12,
		published: { memory: '80 GB', bandwidth: '3.35 TB/s' },
		source: { label: 'H100 data sheet', host: 'NVIDIA', href: 'https://www.nvidia.com/en-us/data-center/h100/' },
	},
	l4: {
		id: 'l4',
		name: 'NVIDIA L4',
		memoryBytes: 24e9,
		bandwidthBytesPerSecond: 300e9,
		published: { memory: '24 GB', bandwidth: '300 GB/s' },
		source: { label: 'L4 data sheet', host: 'NVIDIA', href: 'https://www.nvidia.com/en-us/data-center/l4/' },
	},
} as const satisfies Record<string, GpuSpec>;

export type GpuId = keyof typeof gpusById;

/** Every GPU, by id, in the order menus list them. */
export const GPUS: Readonly<Record<GpuId, GpuSpec>> = gpusById;

export function isGpuId(id: string): id is GpuId {
	return Object.hasOwn(GPUS, id);
}

export function getGpu(id: string): GpuSpec {
	if (!isGpuId(id)) throw new RangeError(`Unknown GPU "${id}". Known GPUs: ${Object.keys(GPUS).join(', ')}.`);
	return GPUS[id];
}
