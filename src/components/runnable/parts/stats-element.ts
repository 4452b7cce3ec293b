/** `<rc-stats for="run">`: the run's end-of-run figures, shown once the event on screen is the last. */
import { currentView, formatMs } from '../view-model';
import { define, RunPanel, setText, show } from './panel';
import type { RunBlock } from './run-element';

class RunStats extends RunPanel {
	protected paint(run: RunBlock): void {
		const done = currentView(run.controller).done;
		show(this.ref('stats'), Boolean(done));
		if (!done) return;
		setText(this.ref('ttft'), formatMs(done.timeToFirstTokenMs));
		setText(this.ref('tps'), done.tokensPerSecond.toFixed(1));
		setText(this.ref('total'), formatMs(done.totalMs));
	}
}

define('rc-stats', RunStats);
