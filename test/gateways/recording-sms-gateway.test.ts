import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRecordingSmsGateway } from '../../src/gateways/recording-sms-gateway.js';
import { createLogger } from '../../src/logging/logger.js';

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', stream), lines };
}

describe('dry-run SMS gateway (OUTREACH_DRY_RUN, or no Tencent credentials outside production)', () => {
  it('records instead of sending, logs one masked line per request and says what it is', async () => {
    const { logger, lines } = capturingLogger();
    const { gateway, description } = createRecordingSmsGateway(logger, { capacity: 2 });
    expect(description).toMatch(/dry run.*never sent/);
    expect(gateway.dryRun).toBe(true);

    const res = await gateway.send({ requestId: 'r1', phones: ['+8613800138000', '+86123'], templateId: '1110', params: ['张先生'] });
    expect(res).toEqual({
      ok: true,
      outcomes: [
        { phone: '+8613800138000', status: 'sent', serialNo: 'dry-1', fee: 0 },
        { phone: '+86123', status: 'failed', code: 'InvalidParameterValue.IncorrectPhoneNumber', message: 'not a mainland mobile number' },
      ],
    });
    await gateway.send({ requestId: 'r2', phones: ['+8613900139000'], templateId: '1110', params: [] });
    await gateway.send({ requestId: 'r3', phones: ['+8613700137000'], templateId: '1110', params: [] });

    expect(gateway.recorded().map((r) => r.requestId)).toEqual(['r2', 'r3']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ dryRun: true, requestId: 'r1', count: 2, msg: expect.stringContaining('dry run: SMS recorded, not sent') });
    expect(JSON.stringify(lines)).not.toContain('13800138000');
    expect(JSON.stringify(lines)).toContain('138****8000');
  });
});
