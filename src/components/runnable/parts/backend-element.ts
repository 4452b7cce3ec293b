/** `<rc-backend for="run">`: "Running on WebGPU/WebAssembly", with the runtime's reason. */
import { define, RunPanel, setText } from './panel';
import type { RunBlock } from './run-element';

class RunBackend extends RunPanel {
	private shown: unknown;

	protected paint(run: RunBlock): void {
		const info = run.controller.info;
		if (!info || info === this.shown) return;
		this.shown = info;
		const badge = this.ref('backend');
		const b = info.backend;
		const name = b.backend === 'webgpu' ? 'WebGPU' : `WebAssembly${b.threads > 1 ? `, ${b.threads} threads` : ''}`;
		badge.hidden = false;
		setText(badge, `Running on ${name}${b.fellBack ? ', fell back' : ''}: ${b.reason}`);
		badge.title = `${info.modelId} (${info.dtype}): ${b.reason}`;
		badge.dataset.backend = b.backend;
		badge.setAttribute(
			'aria-label',
			`Backend: ${name}${b.fellBack ? `, fell back because ${b.reason}` : `, ${b.reason}`}`,
		);
	}
}

define('rc-backend', RunBackend);
