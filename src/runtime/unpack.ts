/**
 * onnxruntime-web's binary is downloaded zstd-packed (src/runtime/astro-integration.mjs packs it at
 * build time): 2.5 MB instead of the 3.7 MB a gzip-only host sends for the 14 MB .wasm. This turns
 * it back into the bytes ORT is handed. zstddec is the zstd reference decoder compiled to wasm:
 * 70–120 ms for that binary in Chromium on the development machine (bench/log.md).
 */
import { ZSTDDecoder } from 'zstddec';

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export type Unpack = (packed: Uint8Array) => Uint8Array;

/** The decoder, ready: started beside the downloads so that it is not waited for after them. */
export async function binaryUnpacker(): Promise<Unpack> {
	const decoder = new ZSTDDecoder();
	await decoder.init();
	return (packed) => {
		// zstddec does not check the frame itself: a damaged one gives garbage or a wild size.
		const out = decoder.decode(packed);
		if (!WASM_MAGIC.every((b, i) => out[i] === b)) throw new Error('the unpacked bytes are not a WebAssembly binary');
		return out;
	};
}
