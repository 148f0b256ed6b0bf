import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('JSON logs', () => {
  it('masks mobile numbers in messages, fields, nested objects and errors', () => {
    const { logger, lines } = capture();
    logger.info({ phone: '13812348888', nested: { list: ['+86 139 1234 5678'] } }, 'calling 15900001111 now');
    logger.error({ err: new Error('send to 8613700002222 failed') }, 'failed');
    const text = lines.join('');
    expect(text).toContain('138****8888');
    expect(text).toContain('139****5678');
    expect(text).toContain('159****1111');
    expect(text).toContain('137****2222');
    expect(text).not.toMatch(/1381234|1591234|15900001111|13700002222/);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({ level: 'info', msg: 'calling 159****1111 now' });
  });

  it('leaves ids, amounts and timestamps that are not mobile numbers alone', () => {
    const { logger, lines } = capture();
    logger.info({ orderId: '202611221234567', amountFen: 58000000, landline: '057487654321' }, 'ok');
    const line = JSON.parse(lines[0]!);
    expect(line.orderId).toBe('202611221234567');
    expect(line.amountFen).toBe(58000000);
    expect(line.landline).toBe('057487654321');
  });
});
