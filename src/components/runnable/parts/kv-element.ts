/** `<rc-kv for="run">`: the cache's bytes after the step on screen, measured and by the formula. */
import { kvBytesForTokens, type KvShape } from '../../../serving-math/kv-cache-size';
import { formatBytes, formatCount } from '../../../serving-math/format';
import { currentView } from '../view-model';
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunKvCache extends RunPanel {
	protected paint(run: RunBlock): void {
		const shape = JSON.parse(this.dataset.shape ?? '{}') as KvShape;
		const reading = currentView(run.controller).cache.at(-1);
		if (!reading) {
			for (const name of ['kv-tokens', 'kv-measured', 'kv-formula']) setText(this.ref(name), '–');
			setText(this.ref('kv-formula-tokens'), 'tokens held');
			setText(this.ref('kv-check'), '');
			return;
		}
		const held = reading.tokens * reading.rows;
		const formula = kvBytesForTokens(shape, held);
		const rows = reading.rows > 1 ? ` (${reading.rows} rows × ${formatCount(reading.tokens)})` : '';
		setText(this.ref('kv-tokens'), `${formatCount(held)}${rows}`);
		setText(this.ref('kv-measured'), `${formatCount(reading.bytes)} bytes (${formatBytes(reading.bytes)})`);
		setText(this.ref('kv-formula-tokens'), formatCount(held));
		setText(this.ref('kv-formula'), `${formatCount(formula)} bytes`);
		setText(
			this.ref('kv-check'),
			reading.bytes === formula
				? 'The measured size equals the formula.'
				: `The measured size differs from the formula by ${formatCount(reading.bytes - formula)} bytes.`,
		);
		this.dataset.measured = String(reading.bytes);
		this.dataset.formula = String(formula);
		this.dataset.tokens = String(held);
	}
}

define('rc-kv', RunKvCache);
