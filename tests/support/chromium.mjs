// Finds a Chromium for the end-to-end tests, installing one when none is present, and says what
// it did. Order: an explicit path, Playwright's own browser, a system Chromium or Chrome; then
// Playwright's download (where the network allows it), then the distribution's package (Debian
// and Ubuntu, as root or with passwordless sudo).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Flags for running in containers and CI: no sandbox (often unavailable as root), and none of the
 * background traffic (updates, sync) a test run must not depend on.
 */
export const chromiumArgs = [
	'--no-sandbox',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
];

const systemPaths = [
	'/usr/bin/chromium',
	'/usr/bin/chromium-browser',
	'/usr/bin/google-chrome-stable',
	'/usr/bin/google-chrome',
	'/snap/bin/chromium',
	'/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
	'/Applications/Chromium.app/Contents/MacOS/Chromium',
];

function playwrightChromiumPath() {
	try {
		return require('playwright-core').chromium.executablePath();
	} catch {
		return undefined;
	}
}

/**
 * @param {{ env?: NodeJS.ProcessEnv, exists?: (path: string) => boolean, playwrightPath?: string | undefined, candidates?: string[] }} [options]
 * @returns {{ path: string, source: string } | null}
 */
export function findChromium({
	env = process.env,
	exists = existsSync,
	playwrightPath = playwrightChromiumPath(),
	candidates = systemPaths,
} = {}) {
	for (const name of ['CHROMIUM_PATH', 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH']) {
		const path = env[name];
		if (path) {
			if (!exists(path)) throw new Error(`${name} is set to ${path}, which does not exist.`);
			return { path, source: `$${name}` };
		}
	}
	if (playwrightPath && exists(playwrightPath)) return { path: playwrightPath, source: "Playwright's browser" };
	for (const path of candidates) if (exists(path)) return { path, source: 'system browser' };
	return null;
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { stdio: 'inherit', timeout: 15 * 60_000, ...options });
	return result.status === 0;
}

function hasCommand(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * @param {{ log?: (message: string) => void }} [options]
 * @returns {Promise<string>} the executable path
 */
export async function ensureChromium({ log = console.log } = {}) {
	let found = findChromium();
	if (found) {
		log(`Chromium: using ${found.path} (${found.source}).`);
		return found.path;
	}

	log("Chromium: none found; trying Playwright's download (npx playwright install chromium)…");
	const cli = require.resolve('playwright-core/cli.js');
	run(process.execPath, [cli, 'install', 'chromium'], {
		env: { ...process.env, PLAYWRIGHT_DOWNLOAD_CONNECTION_TIMEOUT: '20000' },
	});
	found = findChromium();
	if (found) {
		log(`Chromium: installed Playwright's browser at ${found.path}.`);
		return found.path;
	}

	if (process.platform === 'linux' && hasCommand('apt-get')) {
		const isRoot = process.getuid?.() === 0;
		const sudo = isRoot
			? []
			: hasCommand('sudo') && spawnSync('sudo', ['-n', 'true']).status === 0
				? ['sudo', '-n']
				: null;
		if (sudo) {
			log('Chromium: download failed; installing the distribution package (apt-get install chromium)…');
			const apt = (...args) => {
				const [command, ...rest] = [...sudo, 'apt-get', ...args];
				return run(command, rest, {
					env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
					stdio: ['ignore', 'inherit', 'inherit'],
				});
			};
			apt('update');
			if (!apt('install', '-y', '--no-install-recommends', 'chromium')) apt('install', '-y', 'chromium-browser');
			found = findChromium();
			if (found) {
				log(`Chromium: installed with apt at ${found.path}.`);
				return found.path;
			}
		}
	}

	throw new Error(
		'No Chromium found and none could be installed. Install Chromium or Chrome, or set CHROMIUM_PATH to its executable.',
	);
}
