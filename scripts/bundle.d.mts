// Types of the parts of scripts/bundle.mjs that tests import.
export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}
export declare function codeSamples(document: unknown, path: string, operation: unknown): CodeSample[];
export declare function mockDocument<T>(document: T): T;
