import type { TestProject } from 'vitest/node';
import { startPrism } from '../../scripts/prism.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    prismUrl: string;
  }
}

// One Prism for the whole run, on a port the OS picks; stopped (SIGTERM to the node process itself) when tests end.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const prism = await startPrism();
  project.provide('prismUrl', prism.url);
  return () => prism.stop();
}
