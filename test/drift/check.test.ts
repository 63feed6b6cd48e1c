// driftOf: each kind of difference between a reply and the document, and none for replies that follow it.
import { describe, expect, it } from 'vitest';
import { driftOf } from '../../src/drift/check.js';
import { listOperations } from '../support/spec-document.js';
import type { OperationId } from '../../generated/api-facts.js';

describe('driftOf', () => {
  it('finds nothing in the document\'s own reply examples', () => {
    let checked = 0;
    for (const { operationId, responseExamples } of listOperations()) {
      for (const example of responseExamples) {
        expect(driftOf(operationId as OperationId, example.value), `${operationId} ${example.name}`).toEqual([]);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('reports an unknown field, a missing documented field, a wrong type and a value outside an enum, with their paths', () => {
    const findings = driftOf('getConversationGroupMarks', {
      ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '',
      ContactItem: [{ Type: 3, To_Account: 'u1', StandardMark: 12, Stars: 5 }],
      GroupItem: [{ GroupName: 'g', GroupId: 1 }],
      CompleteFlag: 1,
    });
    expect(findings).toEqual(expect.arrayContaining([
      { path: 'ContactItem[0].Type', kind: 'enum', expected: 'one of 1, 2', actual: '3' },
      { path: 'ContactItem[0].StandardMark', kind: 'type', expected: 'string', actual: 'integer' },
      { path: 'ContactItem[0].Stars', kind: 'unknown-field', expected: 'a documented field', actual: 'integer' },
      { path: 'NextStartIndex', kind: 'missing-field', expected: 'present (in every successful example)', actual: 'absent' },
    ]));
    expect(findings).toHaveLength(4);
  });

  it('reports a missing required field inside items, and takes a cursor as a decimal string', () => {
    expect(driftOf('getAppGroups', { ErrorCode: 0, TotalCount: 1, GroupIdList: [{ Id: 'x' }], Next: '18446744073709551615' })).toEqual([
      { path: 'GroupIdList[0].Id', kind: 'unknown-field', expected: 'a documented field', actual: 'string' },
      { path: 'GroupIdList[0].GroupId', kind: 'missing-field', expected: 'present (required)', actual: 'absent' },
    ]);
  });

  it('tells an integer beyond 2^53 − 1 in a field the document keeps within it', () => {
    expect(driftOf('getAppGroups', { ErrorCode: 0, TotalCount: '9007199254740993', GroupIdList: [], Next: 0 })).toEqual([
      { path: 'TotalCount', kind: 'type', expected: 'integer', actual: 'integer beyond 2^53 − 1' },
    ]);
  });

  it('checks only the envelope of a FAIL reply, and quotes no long string', () => {
    expect(driftOf('getFriendLists', { ActionStatus: 'FAIL', ErrorCode: 70001, ErrorInfo: 'expired' })).toEqual([]);
    const sig = 'eJwtzE0LgjAcx-H3sqtIm3Pqhh0ioiKhh6VBt3CrpmizB2N637qB-fv5cP-aGc1O0qSdgQwFjUIx4y' + 'x'.repeat(100);
    const findings = driftOf('getFriendLists', { ActionStatus: sig, ErrorCode: 70001 });
    expect(findings).toEqual([{ path: 'ActionStatus', kind: 'enum', expected: 'one of "OK", "FAIL"', actual: 'a string' }]);
    expect(JSON.stringify(findings)).not.toContain('eJw');
  });
});
