/**
 * `<rc-scrubber for="run">`: after a run, move through its recorded events, copy a link to the
 * one on screen, or ask an assistant about it (the question is built when the link is used, so it
 * always describes the event on screen).
 */
import { copyToClipboard } from '../../clipboard';
import { askLinks } from '../ask-ai';
import { currentView } from '../view-model';
import { define, RunPanel, setText, show } from './panel';
import type { RunBlock } from './run-element';

class RunScrubber extends RunPanel {
	protected override wire(): void {
		const c = this.run.controller;
		const slider = this.ref<HTMLInputElement>('slider');
		slider.addEventListener('input', () => c.scrubTo(Number(slider.value)));
		this.ref('prev').addEventListener('click', () => c.scrubBy(-1));
		this.ref('next').addEventListener('click', () => c.scrubBy(1));
		this.ref('copy-link').addEventListener('click', () => this.copyLink());
		for (const a of this.querySelectorAll<HTMLAnchorElement>('[data-rc="ask"]')) {
			const refresh = () => this.refreshAsk();
			a.addEventListener('pointerenter', refresh);
			a.addEventListener('focus', refresh);
			a.addEventListener('click', () => {
				const link = this.refreshAsk().find((l) => l.id === a.dataset.assistant);
				if (!link?.clipboardText) return;
				const name = link.label;
				copyToClipboard(link.clipboardText).then(
					() =>
						this.say(`The full question is too long for a link, so it is on your clipboard: paste it into ${name}.`),
					() =>
						this.say(
							`The full question is too long for a link and could not be copied; ${name} opens with a shorter version.`,
						),
				);
			});
		}
	}

	protected paint(run: RunBlock): void {
		this.keepingFocus(run, () => this.paintScrub(run), this.ref<HTMLInputElement>('slider'));
	}

	private paintScrub(run: RunBlock): void {
		const c = run.controller;
		const total = c.events.length;
		show(this.ref('scrub'), c.state === 'done' && total > 0);
		if (c.state !== 'done' || !total) return;
		const idx = c.shownIndex;
		const slider = this.ref<HTMLInputElement>('slider');
		slider.max = String(total - 1);
		slider.value = String(idx);
		slider.setAttribute('aria-valuetext', `step ${idx + 1} of ${total}: ${c.events[idx]?.step ?? ''}`);
		setText(this.ref('scrub-value'), `${idx + 1} of ${total}`);
		this.ref<HTMLButtonElement>('prev').disabled = idx <= 0;
		this.ref<HTMLButtonElement>('next').disabled = idx >= total - 1;
	}

	private say(text: string): void {
		setText(this.ref('share-status'), text);
	}

	private copyLink(): void {
		const index = this.run.controller.shownIndex;
		const link = this.run.link(index >= 0 ? index : undefined);
		copyToClipboard(link).then(
			() => this.say(`Link to step ${index + 1} copied.`),
			() => this.say(`Could not copy; the link is: ${link}`),
		);
	}

	private refreshAsk() {
		const run = this.run;
		const c = run.controller;
		const view = currentView(c);
		const index = c.shownIndex;
		const links = askLinks({
			pageTitle: document.title.replace(/\s*\|.*$/, ''),
			pageUrl: run.link(index >= 0 ? index : undefined),
			code: run.listing?.code() ?? '',
			currentLines: run.listing?.linesOf(view.current?.step) ?? [],
			settings: c.settings ?? run.config.defaults,
			view,
			totalEvents: c.events.length,
		});
		for (const a of this.querySelectorAll<HTMLAnchorElement>('[data-rc="ask"]')) {
			const link = links.find((l) => l.id === a.dataset.assistant);
			if (link) a.href = link.href;
		}
		return links;
	}
}

define('rc-scrubber', RunScrubber);
