import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { eslLogger } from '../../src/telephony/esl-logger.js';

/** A frame as esl hands it to the logger, counting how often it is serialised. */
function frame() {
  const seen = { copies: 0 };
  const data = { headers: { 'Content-Type': 'text/event-json' }, body: '{"Event-Name":"CHANNEL_HANGUP_COMPLETE"}', command: 'auth S3cret-pw', toJSON() {
    seen.copies += 1;
    return { headers: this.headers, body: this.body, command: this.command };
  } };
  return { data, seen };
}

describe('esl logger', () => {
  it('does not copy a frame whose line is not written (esl logs every frame at debug)', () => {
    const { data, seen } = frame();
    const log = eslLogger(createLogger('info', { write: () => undefined }));
    for (let i = 0; i < 3; i++) log.debug('FreeSwitchResponse::process', data);
    expect(seen.copies).toBe(0);
  });

  it('at trace, writes the frame with the password redacted', () => {
    const { data, seen } = frame();
    const lines: string[] = [];
    eslLogger(createLogger('trace', { write: (line: string) => void lines.push(line) })).debug('FreeSwitchResponse: write auth S3cret-pw', data);
    expect(seen.copies).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('auth [redacted]');
    expect(lines[0]).not.toContain('S3cret-pw');
  });
});
