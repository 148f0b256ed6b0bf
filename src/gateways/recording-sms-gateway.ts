import { isMainlandMobile } from '../domain/shared/phone.js';
import type { SmsGateway, SmsRequest, SmsSendResult } from '../domain/ports/sms-gateway.port.js';
import type { Logger } from '../logging/logger.js';

export type RecordedSms = SmsRequest & { at: Date };

export type RecordingSmsGateway = SmsGateway & {
  /** The most recent requests, oldest first (at most `capacity`). */
  recorded(): RecordedSms[];
};

/**
 * The dry-run SMS gateway (OUTREACH_DRY_RUN=true, or no Tencent SMS settings outside production): nothing
 * leaves the process. Each request is kept in a ring of the last `capacity` and written as one log line
 * marked `dryRun: true` (numbers masked by the logger); mainland mobiles come back `sent` with a `dry-`
 * serial so the domain's flow runs end to end, and the domain marks those sends dry-run.
 */
export function createRecordingSmsGateway(
  logger: Logger,
  options: { capacity?: number } = {},
): { gateway: RecordingSmsGateway; description: string } {
  const capacity = Math.max(1, options.capacity ?? 1000);
  const ring: RecordedSms[] = [];
  const log = logger.child({ component: 'recording-sms-gateway' });
  let serial = 0;

  const gateway: RecordingSmsGateway = {
    name: 'recording',
    dryRun: true,
    async send(request: SmsRequest): Promise<SmsSendResult> {
      ring.push({ ...request, phones: [...request.phones], params: [...request.params], at: new Date() });
      if (ring.length > capacity) ring.shift();
      log.info(
        { dryRun: true, requestId: request.requestId, templateId: request.templateId, count: request.phones.length, phones: request.phones.slice(0, 5) },
        `dry run: SMS recorded, not sent: ${request.phones.length} number(s), template ${request.templateId}`,
      );
      return {
        ok: true,
        outcomes: request.phones.map((phone) =>
          isMainlandMobile(phone)
            ? { phone, status: 'sent' as const, serialNo: `dry-${++serial}`, fee: 0 }
            : { phone, status: 'failed' as const, code: 'InvalidParameterValue.IncorrectPhoneNumber', message: 'not a mainland mobile number' },
        ),
      };
    },
    recorded: () => [...ring],
  };
  return {
    gateway,
    description: `SMS dry run: messages are logged and kept in memory (last ${capacity}), never sent`,
  };
}
