/**
 * Paged KV memory, as vLLM's PagedAttention keeps its books: memory is a pool
 * of fixed-size blocks (16 tokens by default), and each sequence holds a table
 * of the blocks its tokens occupy, growing one block at a time and giving them
 * all back when it ends. A sequence wastes at most one partly filled block.
 *
 * The demo model still computes on a contiguous cache (ONNX Runtime Web has no
 * paged attention kernel); this is the bookkeeping a paged server does, driving
 * the scheduler's decisions (wait, preempt) and the lesson's block table.
 */

export class BlockAllocator {
	/** Free block ids, lowest last so `pop` hands out the lowest first. */
	private readonly freeList: number[];
	private readonly tables = new Map<number, number[]>();
	private readonly tokens = new Map<number, number>();

	constructor(
		readonly totalBlocks: number,
		readonly blockSize = 16,
	) {
		if (!(Number.isInteger(totalBlocks) && totalBlocks > 0))
			throw new Error(`totalBlocks must be a positive integer, got ${totalBlocks}`);
		if (!(Number.isInteger(blockSize) && blockSize > 0))
			throw new Error(`blockSize must be a positive integer, got ${blockSize}`);
		this.freeList = Array.from({ length: totalBlocks }, (_, i) => totalBlocks - 1 - i);
	}

	blocksFor(tokens: number): number {
		return Math.ceil(tokens / this.blockSize);
	}

	get freeBlocks(): number {
		return this.freeList.length;
	}

	get usedBlocks(): number {
		return this.totalBlocks - this.freeList.length;
	}

	/**
	 * Makes `seq`'s table hold `tokens` tokens, taking blocks as needed. All or
	 * nothing: returns false, and takes nothing, when too few blocks are free.
	 */
	grow(seq: number, tokens: number): boolean {
		const table = this.tables.get(seq) ?? [];
		const more = this.blocksFor(tokens) - table.length;
		if (more > this.freeList.length) return false;
		for (let i = 0; i < more; i++) table.push(this.freeList.pop()!);
		this.tables.set(seq, table);
		this.tokens.set(seq, Math.max(tokens, this.tokens.get(seq) ?? 0));
		return true;
	}

	/** Gives back every block of `seq`; returns their ids. */
	release(seq: number): number[] {
		const table = this.tables.get(seq) ?? [];
		this.tables.delete(seq);
		this.tokens.delete(seq);
		for (let i = table.length - 1; i >= 0; i--) this.freeList.push(table[i]!);
		this.freeList.sort((a, b) => b - a);
		return table;
	}

	table(seq: number): readonly number[] {
		return this.tables.get(seq) ?? [];
	}

	/** Every live sequence's block table. */
	snapshot(): Array<{ seq: number; blocks: number[]; tokens: number }> {
		return [...this.tables].map(([seq, blocks]) => ({ seq, blocks: blocks.slice(), tokens: this.tokens.get(seq)! }));
	}

	/** Token slots allocated but not (yet) filled: at most one partial block per sequence. */
	get wastedSlots(): number {
		let waste = 0;
		for (const [seq, table] of this.tables) waste += table.length * this.blockSize - this.tokens.get(seq)!;
		return waste;
	}
}

/** What reserving each request's whole possible length up front would leave unused now. */
export function contiguousWaste(held: ReadonlyArray<{ tokens: number; reserved: number }>): number {
	return held.reduce((sum, s) => sum + Math.max(0, s.reserved - s.tokens), 0);
}
