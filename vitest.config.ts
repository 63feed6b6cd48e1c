import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import the package by name, as users do; in the repository the names point at the sources.
  resolve: {
    alias: [
      { find: /^tim-rest-client$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
      { find: /^tim-rest-client\/testing$/, replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)) },
      { find: /^tim-rest-client\/testing\/server$/, replacement: fileURLToPath(new URL('./src/testing/server-entry.ts', import.meta.url)) },
      { find: /^tim-rest-client\/callbacks$/, replacement: fileURLToPath(new URL('./src/callbacks/index.ts', import.meta.url)) },
      { find: /^tim-rest-client\/redis$/, replacement: fileURLToPath(new URL('./src/redis/index.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // One Prism for the whole run, started on port 0 and stopped after; its URL reaches tests via `inject('prismUrl')`.
    globalSetup: ['test/setup/prism.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { SCARF_ANALYTICS: 'false', REDOCLY_TELEMETRY: 'off' },
  },
});
