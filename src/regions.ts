// Regional API hosts, as the document's server variable lists them (x-regions); not typed again here.
import { regions, defaultRegion, type Region } from '../generated/api-facts.js';

export { regions, defaultRegion, type Region };

export function isRegion(value: unknown): value is Region {
  return typeof value === 'string' && Object.hasOwn(regions, value);
}

export function regionBaseUrl(region: Region): string {
  return `https://${regions[region]}`;
}
