// The quota contract lives with the public types (src/types.ts); this module is where quota implementations import it.
export type { Quota, QuotaLane, QuotaVerdict } from '../types.js';
