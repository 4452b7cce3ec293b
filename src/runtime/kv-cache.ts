/**
 * The KV cache: the keys and values every layer computed for the tokens seen so
 * far. The model returns them as `present.*`; feeding them back as
 * `past_key_values.*` means the next pass only has to process the new token.
 *
 * It is its own piece so the lesson (and the tests) can look at it: how long
 * it is, how much memory it holds, and that naive mode never touches one.
 */

import type { Tensor } from 'onnxruntime-web';

export interface KvShape {
  numLayers: number;
  numHeads: number;
  headDim: number;
}

type TensorCtor = new (type: 'float32', data: Float32Array, dims: readonly number[]) => Tensor;

export class KVCache {
  /** past_key_values.{i}.key / .value, in input-name order. */
  private tensors: Tensor[];
  private len = 0;

  constructor(
    readonly shape: KvShape,
    private readonly TensorClass: TensorCtor,
    private readonly pastNames: readonly string[] = pastInputNames(shape.numLayers),
  ) {
    this.tensors = this.empty();
  }

  /** Tokens whose keys/values are held. */
  get length(): number {
    return this.len;
  }

  /** Bytes of keys and values held (float32). */
  get bytes(): number {
    const { numLayers, numHeads, headDim } = this.shape;
    return 2 * numLayers * numHeads * headDim * this.len * 4;
  }

  /** Adds the past tensors to a feed. */
  feed(feeds: Record<string, Tensor>): void {
    for (let i = 0; i < this.pastNames.length; i++) feeds[this.pastNames[i]!] = this.tensors[i]!;
  }

  /** Takes the `present.*` outputs as the new past, without copying them. */
  update(outputs: Record<string, Tensor>, presentNames: readonly string[] = presentOutputNames(this.shape.numLayers)): void {
    for (let i = 0; i < presentNames.length; i++) {
      const t = outputs[presentNames[i]!];
      if (!t) throw new Error(`model output "${presentNames[i]}" is missing`);
      this.tensors[i] = t;
    }
    this.len = this.tensors[0]!.dims[2]!;
  }

  reset(): void {
    this.tensors = this.empty();
    this.len = 0;
  }

  /** Length-0 past: a first pass with it is exactly the naive full-sequence pass. */
  private empty(): Tensor[] {
    const { numHeads, headDim } = this.shape;
    const dims = [1, numHeads, 0, headDim];
    return this.pastNames.map(() => new this.TensorClass('float32', new Float32Array(0), dims));
  }
}

export function pastInputNames(numLayers: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < numLayers; i++) names.push(`past_key_values.${i}.key`, `past_key_values.${i}.value`);
  return names;
}

export function presentOutputNames(numLayers: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < numLayers; i++) names.push(`present.${i}.key`, `present.${i}.value`);
  return names;
}
