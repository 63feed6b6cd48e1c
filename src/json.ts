// JSON for a wire format with 64-bit integers. A double holds integers exactly only up to 2^53 − 1, and the server
// sends cursors and sequences above that, so replies are parsed without rounding (unsafe integers become bigint) and
// bigint values in requests are written as plain JSON numbers.
import { parse as parseLossless, stringify as stringifyLossless, isInteger, isSafeNumber } from 'lossless-json';

// Any integer with 16 or more digits may exceed 2^53 − 1 (9007199254740991 has 16). A JSON number starts the text or
// follows `:`, `,` or `[` (after optional white space), so digits inside strings (numeric UserIDs) do not count. Text
// without such a number is parsed by the engine's JSON.parse, several times faster than the lossless parser.
const LONG_NUMBER = /(?:^|[:,[])\s*-?\d{16}/;

function parseNumber(text: string): number | bigint {
  if (isInteger(text) && !isSafeNumber(text)) return BigInt(text);
  return Number(text);
}

/** Parses a reply body; integers beyond Number.MAX_SAFE_INTEGER come back as bigint, never rounded. */
export function parseJson(text: string): unknown {
  if (!LONG_NUMBER.test(text)) return JSON.parse(text);
  return parseLossless(text, null, parseNumber);
}

/** Serializes a request body; bigint values are written as JSON numbers with every digit. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    // JSON.stringify throws a TypeError on bigint; only bodies that carry one take the slower lossless path.
    if (!(error instanceof TypeError)) throw error;
    const text = stringifyLossless(value);
    if (text === undefined) throw error;
    return text;
  }
}
