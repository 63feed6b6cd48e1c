// JSON as the vendor writes and reads it: 64-bit integers (cursors, sequences) are bare JSON numbers with every digit.
// Requests are parsed without rounding (integers beyond 2^53 become bigint) and replies holding a bigint are written
// with it as a plain number, so a client that rounds or quotes them is caught.
import { parse, isInteger, isSafeNumber } from 'lossless-json';

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** Parses a request body; throws SyntaxError on text that is not JSON. */
export function parseWireJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

/**
 * Writes a reply body; bigint values become bare JSON numbers. The platform's JSON.stringify does the work (a page of
 * 10,000 groups takes a few ms, a JSON library several times that) and each bigint goes through it as a marked
 * string, turned back into its digits afterwards. The marker holds a NUL and a random tag, so no data string is one.
 */
export function stringifyWireJson(value: unknown): string {
  let marker: string | undefined;
  const text = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'bigint') return item;
    marker ??= `\u0000bigint-${Math.random().toString(36).slice(2)}:`;
    return `${marker}${item}`;
  }) as string | undefined;
  if (text === undefined) return 'null';
  if (marker === undefined) return text;
  const written = JSON.stringify(marker).slice(1, -1).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return text.replace(new RegExp(`"${written}(-?\\d+)"`, 'g'), '$1');
}
