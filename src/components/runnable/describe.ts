/**
 * Short, human descriptions of step events, for the status line, the event panel and the Ask AI
 * question; and the number and token formats the panels share.
 */
import type { StopReason } from '../../runtime/events';
import type { AnyStepEvent } from './view-model';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What the event on screen did, in a sentence. */
export function describeStep(event: AnyStepEvent | undefined): string {
	if (!event) return 'Not started.';
	const e = event as AnyStepEvent & Record<string, unknown>;
	switch (event.step) {
		case 'encode':
			if ('ids' in event)
				return `encode: the prompt became ${plural(event.ids.length, 'token')}${event.startedFromBos ? ' (empty prompt: starting from the start token)' : ''}.`;
			return `encode: ${Array.isArray(e.rows) ? plural(e.rows.length, 'prompt') : 'the prompts'} became token rows.`;
		case 'pad':
			return `pad: ${plural(event.rows, 'row')} left-padded to ${event.width} columns (${plural(event.paddingTokens, 'pad token')}).`;
		case 'forward':
			if ('usedCache' in event && !('activeRows' in event)) {
				return event.usedCache
					? `forward: fed ${plural(event.inputLength, 'token')}, the cache holds ${event.sequenceLength - event.inputLength}; ${formatMs(event.ms)}.`
					: `forward: ran the whole model over ${plural(event.inputLength, 'token')}; ${formatMs(event.ms)}.`;
			}
			if ('slots' in event)
				return event.rows === 0
					? 'forward: nothing is running yet, so there is no decode pass.'
					: `forward: one batched decode pass over ${plural(event.rows, 'running request')} (${event.slots} slots); ${formatMs(event.ms)}.`;
			if ('activeRows' in event)
				return `forward: one pass over ${plural(event.rows, 'row')} (${event.activeRows} still generating), ${plural(event.inputLength, 'column')} fed each; ${formatMs(event.ms)}.`;
			return `forward: one pass; ${formatMs(Number(e.ms))}.`;
		case 'prefill':
			return `prefill: one pass over the ${plural(event.promptTokens, 'prompt token')}, keeping their keys and values; ${formatMs(event.ms)}.`;
		case 'decode':
			return `decode: fed 1 token at position ${event.position}, the cache now holds ${event.sequenceLength}; ${formatMs(event.ms)}.`;
		case 'last-logits':
			return `last-logits: read the scores at position ${event.position}, one per vocabulary entry (${event.vocabSize}).`;
		case 'select':
			if ('chosen' in event)
				return `select (${event.strategy}): picked ${showToken(event.chosen.token)} (id ${event.chosen.id}), p = ${formatProb(event.chosen.prob)}.`;
			return `select (${event.strategy}): one token for each of ${plural(event.rows.length, 'row')}.`;
		case 'append':
		case 'token':
			if ('id' in event)
				return `${event.step}: ${showToken(event.token)} (id ${event.id}); the sequence is now ${event.length} tokens.`;
			if ('preempted' in event && event.preempted.length)
				return `append: out of KV blocks, so ${event.preempted.map((p) => requestName(p.request)).join(', ')} was preempted (its blocks freed, to be recomputed later).`;
			if ('allocated' in event && event.allocated.length)
				return `append: a token to each of ${plural(event.rows.length, 'row')}; ${plural(event.allocated.length, 'new KV block')} taken.`;
			return `append: a token to each of ${plural(event.rows.length, 'row')}.`;
		case 'admit': {
			const joined = event.admitted.map((a) => `${requestName(a.request)} into slot ${a.slot + 1}`);
			const head = joined.length ? `admit: prefilled ${joined.join(', ')}` : 'admit: nobody joined';
			const why =
				event.blockedBy && event.waiting.length
					? `; ${plural(event.waiting.length, 'request')} wait (${WAITING[event.blockedBy]})`
					: '';
			return `${head}${why}.`;
		}
		case 'retire':
			return event.retired.length
				? `retire: ${event.retired.map((r) => `${requestName(r.request)} finished (${describeReason(r.reason)})`).join('; ')}; its slot and blocks are free.`
				: `retire: nobody finished; ${plural(event.blocks.usedBlocks, 'KV block')} in use.`;
		case 'eos-check':
			return event.isEos
				? `eos-check: id ${event.id} is the end-of-sequence token, so the loop stops.`
				: `eos-check: id ${event.id} is not end-of-sequence, so the loop continues.`;
		case 'stop-check':
			if ('decision' in event)
				return event.reason
					? `stop-check: the loop stops (${describeReason(event.reason)}).`
					: `stop-check: id ${event.id} does not stop the loop, so it decodes another token.`;
			if ('active' in event) return `stop-check: ${plural(event.active.length, 'row')} still generating.`;
			return 'stop-check.';
		case 'done':
			return `done (${describeReason(event.reason)}): ${plural(event.stats.newTokens, 'new token')}.`;
		default:
			return `${String(e.step)}.`;
	}
}

/** A continuous run's request, as its timeline cell names it. */
function requestName(request: number): string {
	return `request ${request < 26 ? String.fromCharCode(65 + request) : request + 1}`;
}

const WAITING = {
	slots: 'every slot is busy',
	blocks: 'too few free KV blocks',
	'static-batch': 'static batching waits for the whole batch',
} as const;

export function describeReason(reason: StopReason | 'finished' | 'kv-full'): string {
	switch (reason) {
		case 'eos':
			return 'the model emitted end-of-sequence';
		case 'max_new':
			return 'reached max new tokens';
		case 'stopped':
			return 'stopped by you';
		case 'context-full':
			return 'the context window is full';
		case 'finished':
			return 'every request finished';
		case 'kv-full':
			return 'the KV memory is full';
	}
}

/** A token as the reader should see it: quotes, with whitespace made visible. */
export function showToken(token: string): string {
	return `“${visibleWhitespace(token)}”`;
}

export function visibleWhitespace(token: string): string {
	return token.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
}

export function formatMs(ms: number): string {
	return ms >= 100 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

export function formatProb(p: number): string {
	return p >= 0.995 ? '1.00' : p.toFixed(2);
}
