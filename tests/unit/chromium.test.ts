import { describe, expect, it } from 'vitest';
import { findChromium } from '../support/chromium.mjs';

const existing =
	(...paths: string[]) =>
	(path: string) =>
		paths.includes(path);

describe('findChromium', () => {
	it('prefers an explicit CHROMIUM_PATH', () => {
		const found = findChromium({
			env: { CHROMIUM_PATH: '/opt/chrome' },
			exists: existing('/opt/chrome', '/pw/chrome', '/usr/bin/chromium'),
			playwrightPath: '/pw/chrome',
			candidates: ['/usr/bin/chromium'],
		});
		expect(found).toEqual({ path: '/opt/chrome', source: '$CHROMIUM_PATH' });
	});

	it('rejects an explicit path that does not exist instead of silently using another browser', () => {
		expect(() => findChromium({ env: { CHROMIUM_PATH: '/nope' }, exists: existing() })).toThrow(/does not exist/);
	});

	it("then uses Playwright's own browser, then a system one", () => {
		const options = { env: {}, playwrightPath: '/pw/chrome', candidates: ['/usr/bin/chromium'] };
		expect(findChromium({ ...options, exists: existing('/pw/chrome', '/usr/bin/chromium') })?.path).toBe('/pw/chrome');
		expect(findChromium({ ...options, exists: existing('/usr/bin/chromium') })?.path).toBe('/usr/bin/chromium');
	});

	it('returns null when there is nothing to use', () => {
		expect(
			findChromium({ env: {}, exists: existing(), playwrightPath: '/pw/chrome', candidates: ['/usr/bin/chromium'] }),
		).toBeNull();
	});
});
