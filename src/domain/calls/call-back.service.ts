import { customerNumber } from './call-party.js';
import type { EntityManager } from '@mikro-orm/core';
import { recordAudit } from '../audit/audit.service.js';
import { authorize, type Actor } from '../auth/actor.js';
import { auditedBy } from '../auth/staff-actor.js';
import { CustomerSchema } from '../customers/customer.entity.js';
import { DomainError } from '../shared/domain-error.js';
import { nationalNumber } from '../shared/phone.js';
import { CallSchema } from './call.entity.js';

/**
 * The 回拨 button of a screen-pop or voicemail card: the staff member who must call back gets the full
 * number (everywhere else it is masked), and the reveal is audited with who, when and through which door.
 * Needs telephony:calls:view.
 */
export async function revealCallBackNumber(em: EntityManager, actor: Actor, input: { callUuid: string }): Promise<{ phone: string; who: string }> {
  authorize(actor, 'telephony:calls:view', '回拨');
  const record = await em.findOne(CallSchema, { uuid: input.callUuid });
  if (!record) throw new DomainError('CALL_NOT_FOUND', `通话 ${input.callUuid} 不存在`);
  const customer = record.customer ? await em.findOne(CustomerSchema, { id: record.customer.id }) : null;
  recordAudit(em, { ...auditedBy(actor), action: 'phone.reveal', targetType: 'phone_call_record', targetId: record.id, details: { purpose: 'call_back' } });
  await em.flush();
  return { phone: nationalNumber(customerNumber(record)), who: customer?.companyName ?? customer?.name ?? '未识别来电' };
}
