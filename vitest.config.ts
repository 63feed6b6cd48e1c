import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Prism for the whole run, started on port 0 and stopped after; its URL reaches tests via `inject('prismUrl')`.
    globalSetup: ['test/setup/prism.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { SCARF_ANALYTICS: 'false', REDOCLY_TELEMETRY: 'off' },
  },
});
