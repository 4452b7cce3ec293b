/** The stopping criteria and the load-once helper, as pure pieces. */
import { describe, expect, it } from 'vitest';
import { contextFull, eosToken, maxNewTokens, stopWhen } from '../../src/runtime/stopping';
import { SharedLoad } from '../../src/runtime/shared-load';

const seq = (ids: number[], promptLength: number, max?: number) => ({ ids, promptLength, maxNewTokens: max });

describe('stopping criteria', () => {
	it('each names its own reason, or says nothing', () => {
		expect(maxNewTokens(2)(seq([1, 2, 3], 2))).toBeNull();
		expect(maxNewTokens(2)(seq([1, 2, 3, 4], 2))).toBe('max_new');
		expect(maxNewTokens(9)(seq([1, 2, 3], 2, 1))).toBe('max_new'); // a row's own limit wins
		expect(contextFull(4)(seq([1, 2, 3], 1))).toBeNull();
		expect(contextFull(4)(seq([1, 2, 3, 4], 1))).toBe('context-full');
		expect(eosToken(7)(seq([1, 7], 1))).toBe('eos');
		expect(eosToken(7)(seq([7], 1))).toBeNull(); // an empty prompt starts from EOS: that is not a stop
	});

	it('compose in order: the first that fires decides', () => {
		const s = seq([1, 2, 7], 1);
		expect(stopWhen(eosToken(7), maxNewTokens(2))(s)).toBe('eos');
		expect(stopWhen(maxNewTokens(2), eosToken(7))(s)).toBe('max_new');
		expect(stopWhen()(s)).toBeNull();
	});
});

describe('SharedLoad', () => {
	it('joins a load in flight, replays its latest progress, forgets a failure, and replaces another key', async () => {
		const replaced: Array<Promise<string>> = [];
		const shared = new SharedLoad<string, number>((prev) => replaced.push(prev));
		let starts = 0;
		let report!: (p: number) => void;
		let finish!: (v: string) => void;
		const start = (r: (p: number) => void) => {
			starts++;
			report = r;
			return new Promise<string>((res) => (finish = res));
		};
		const seenA: number[] = [];
		const seenB: number[] = [];
		const a = shared.get('k', start, (p) => seenA.push(p));
		report(1);
		const b = shared.get('k', start, (p) => seenB.push(p));
		report(2);
		finish('model');
		expect(await a).toBe('model');
		expect(await b).toBe('model');
		expect(starts).toBe(1);
		expect(seenA).toEqual([1, 2]);
		expect(seenB).toEqual([1, 2]);

		const failing = shared.get('k2', () => Promise.reject(new Error('404')));
		await expect(failing).rejects.toThrow('404');
		expect(shared.current).toBeNull();
		await shared.get('k3', () => Promise.resolve('other'));
		expect(replaced).toHaveLength(0); // the failed load replaced nothing; k was already forgotten with it
		await shared.get('k4', () => Promise.resolve('newer'));
		expect(await replaced[0]).toBe('other');
	});
});
