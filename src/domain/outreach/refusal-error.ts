import type { RefusalReason } from '../compliance/compliance-decision.entity.js';
import type { ErrorCode } from '../errors/registry.js';
import { DomainError } from '../shared/domain-error.js';

const REFUSALS: Record<Exclude<RefusalReason, 'QUIET_HOURS'>, [code: ErrorCode, message: string]> = {
  OPTED_OUT: ['RECIPIENT_OPTED_OUT', '该号码已退订营销信息，未发送'],
  BLACKLISTED: ['RECIPIENT_BLACKLISTED', '该号码在黑名单中，未发送'],
  NO_CONSENT: ['RECIPIENT_NO_CONSENT', '该号码没有此渠道的营销授权记录，未发送'],
  FREQUENCY_CAP: ['FREQUENCY_CAP_EXCEEDED', '超过发送频率限制（营销短信每周最多 2 条、回访电话每月最多 1 次、同一内容 30 秒内不重复），未发送'],
  INVALID_NUMBER: ['INVALID_PHONE_NUMBER', '不是有效的中国大陆手机号'],
};

/** The error a door answers when compliance refuses a single send: a stable code per reason. */
export function refusalError(reason: Exclude<RefusalReason, 'QUIET_HOURS'>): DomainError {
  const [code, message] = REFUSALS[reason];
  return new DomainError(code, message, code === 'INVALID_PHONE_NUMBER' ? { fields: [{ field: 'phoneNumber', message: '不是有效的中国大陆手机号' }], reason } : { reason });
}
