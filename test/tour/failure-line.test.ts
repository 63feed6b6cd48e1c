// The tour's failure line for each kind of failure: one line, what failed, the host, what to check.
import { describe, expect, it } from 'vitest';
import { failureLine } from '../../examples/failure-line.js';
import { ChatApiError, TransportCode } from '../../src/index.js';

const error = (code: ChatApiError['code'], info: string, attempts = 1): ChatApiError =>
  new ChatApiError(`getAppGroups: ${info}`, { code, info, operation: 'getAppGroups', retryable: false, attempts });

describe('failureLine', () => {
  it('says a timeout is no reply from the host, and what to check', () => {
    const line = failureLine(error(TransportCode.timeout, 'no reply within 3000 ms', 3), 'adminapisgp.im.qcloud.com');
    expect(line).toBe(
      'Tour failed: getAppGroups got no reply in time from adminapisgp.im.qcloud.com (TIMEOUT after 3 attempts: no reply within 3000 ms). ' +
        'Check the network connection, the host TIM_REGION or TIM_BASE_URL names, and any proxy or firewall in between. (Set TIM_DEBUG=1 for the stack.)',
    );
  });

  it('gives a business error its code, its info and the document\'s description of the code', () => {
    const line = failureLine(error(70001, 'usersig expired'), 'console.tim.qq.com');
    expect(line).toMatch(/^Tour failed: getAppGroups failed on console\.tim\.qq\.com: ErrorCode 70001 "usersig expired"\. The UserSig has expired\./);
  });

  it('asks whether the host is the Chat REST API when it answered with something else', () => {
    const line = failureLine(error(TransportCode.http, 'HTTP 404 Not Found'), 'example.com');
    expect(line).toContain('HTTP_ERROR (HTTP 404 Not Found)');
    expect(line).toContain('names the Chat REST API');
  });

  it('keeps server text with line breaks on one line', () => {
    const line = failureLine(error(60004, 'first\r\n  second\nthird'), 'console.tim.qq.com');
    expect(line).not.toMatch(/[\r\n]/);
    expect(line).toContain('"first second third"');
  });

  it('shows another error by its name and message', () => {
    expect(failureLine(new TypeError('createChatClient: options.region must be one of china'), 'h')).toBe(
      'Tour failed: TypeError: createChatClient: options.region must be one of china (Set TIM_DEBUG=1 for the stack.)',
    );
  });
});
