import { defineConfig, configDefaults } from 'vitest/config';

export default defineConfig({
	test: {
		// Every Node-side suite: tests/unit (site code), tests/runtime, tests/model, ...
		// End-to-end specs run in Playwright against the built site instead.
		include: ['tests/**/*.test.ts'],
		exclude: [...configDefaults.exclude, 'tests/e2e/**'],
		// Model and runtime suites load a real ONNX model, which takes tens of seconds.
		testTimeout: 120_000,
		hookTimeout: 120_000,
	},
});
