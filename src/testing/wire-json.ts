// JSON as the vendor writes and reads it: 64-bit integers (cursors, sequences) are bare JSON numbers with every digit.
// Requests are parsed without rounding (integers beyond 2^53 become bigint) and replies holding a bigint are written
// with it as a plain number, so a client that rounds or quotes them is caught.
import { parse, stringify, isInteger, isSafeNumber } from 'lossless-json';

function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/** Parses a request body; throws SyntaxError on text that is not JSON. */
export function parseWireJson(text: string): unknown {
  return parse(text, null, parseNumber);
}

/** Writes a reply body; bigint values become bare JSON numbers. */
export function stringifyWireJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return stringify(value) ?? 'null';
  }
}
