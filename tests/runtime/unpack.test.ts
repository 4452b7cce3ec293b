import { describe, expect, it } from 'vitest';
import { zstdCompressSync } from 'node:zlib';
import { binaryUnpacker } from '../../src/runtime/unpack';

const wasmLike = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...Array.from({ length: 5000 }, (_, i) => i % 7)]);

describe('binaryUnpacker', () => {
	it('unpacks a zstd frame to the original bytes', async () => {
		const unpack = await binaryUnpacker();
		expect(Array.from(unpack(zstdCompressSync(wasmLike)))).toEqual(Array.from(wasmLike));
	});

	it('refuses a frame that does not hold a WebAssembly binary', async () => {
		const unpack = await binaryUnpacker();
		expect(() => unpack(zstdCompressSync(new TextEncoder().encode('<html>not found</html>')))).toThrow(
			/not a WebAssembly binary/,
		);
	});

	it('refuses bytes that are not a zstd frame at all', async () => {
		const unpack = await binaryUnpacker();
		expect(() => unpack(wasmLike)).toThrow();
	});
});
