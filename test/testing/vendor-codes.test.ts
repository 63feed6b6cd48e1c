// The fake vendor answers only with codes the document lists, and each per-operation code belongs to its operation.
import { describe, expect, it } from 'vitest';
import { errorCodes, operations, type OperationId } from '../../generated/api-facts.js';
import { vendorCodes } from '../../src/testing/index.js';

describe('the fake vendor’s error codes', () => {
  const applies = (code: number, operation: OperationId): boolean => {
    const facts = errorCodes[code];
    return facts !== undefined && (facts.operations === null || facts.operations.includes(operation));
  };

  it.each(Object.entries(vendorCodes))('%s is a code of the document for the operations it is used for', (_, value) => {
    for (const operation of Object.keys(operations) as OperationId[]) {
      const code = typeof value === 'number' ? value : value[operation];
      // Codes of one operation (10018 replyTooLarge, 30001 friendNotExist) are used by that operation only.
      if (typeof value === 'number' && errorCodes[code]?.operations && !errorCodes[code]?.operations?.includes(operation)) continue;
      expect(applies(code, operation), `${code} for ${operation}`).toBe(true);
    }
  });

  it('uses the code the document marks as a UserSig to sign again for expired usersigs', () => {
    expect(errorCodes[vendorCodes.userSigExpired]?.resign).toBe(true);
  });

  it('uses a retryable code for the rate limit', () => {
    expect(errorCodes[vendorCodes.rateLimited]?.retryable).toBe(true);
  });
});
