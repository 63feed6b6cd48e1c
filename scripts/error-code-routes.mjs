// Where the reference docs show the error codes. The bundle step makes an "Error codes" tag whose description has a
// heading per code; Redoc (CE 3) gives a tag the hash route of its name as a slug, and each heading of the tag's
// description a section with the route of the tag followed by the heading's text. The codes' headings are their bare
// numbers, so a code's link is #/error-codes/70001 whichever operations return it.
export const ERROR_CODES_TAG = 'Error codes';
export const ERROR_CODES_ROUTE = '#/error-codes';

/** The route of a code's section in the reference docs: `#/error-codes/70001`. */
export const errorCodeRoute = (code) => `${ERROR_CODES_ROUTE}/${code}`;
