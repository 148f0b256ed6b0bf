import type { EntityManager } from '@mikro-orm/core';
import { auditedBy, type ActingAs } from '../auth/staff-actor.js';
import { recordAudit } from '../audit/audit.service.js';
import { withOptOut } from '../compliance/compliance.policy.js';
import { DomainError } from '../shared/domain-error.js';
import type { SmsCategory } from '../shared/vocabulary.js';
import { SmsTemplateSchema, type SmsTemplate } from './sms-template.entity.js';
import { placeholderCount } from './sms-template.rules.js';

export type TemplateInput = {
  code: string;
  name: string;
  category: SmsCategory;
  vendorTemplateId?: string | null;
  content: string;
  paramNames: string[];
  active?: boolean;
};

function checked(input: TemplateInput): TemplateInput {
  const content = input.category === 'marketing' ? withOptOut(input.content) : input.content.trim();
  const count = placeholderCount(content);
  if (count !== input.paramNames.length) {
    throw new DomainError('INVALID_TEMPLATE_PARAMS', `模板有 ${count} 个参数位，但给出了 ${input.paramNames.length} 个参数名`, {
      fields: [{ field: 'paramNames', message: `应有 ${count} 个参数名` }],
    });
  }
  return { ...input, content };
}

/** Templates are looked up by their business code (TPL_001) everywhere outside this module. */
export async function templateByCode(em: EntityManager, code: string, options: { activeOnly?: boolean } = {}): Promise<SmsTemplate> {
  const template = await em.findOne(SmsTemplateSchema, { code });
  if (!template || (options.activeOnly && !template.active)) throw new DomainError('TEMPLATE_NOT_FOUND', `短信模板 ${code} 不存在或已停用`);
  return template;
}

export async function createTemplate(em: EntityManager, input: TemplateInput, by: ActingAs): Promise<SmsTemplate> {
  const data = checked(input);
  if ((await em.count(SmsTemplateSchema, { code: data.code })) > 0) throw new DomainError('TEMPLATE_CODE_EXISTS', `模板编号 ${data.code} 已存在`);
  return em.transactional(async (tx) => {
    const template = tx.create(SmsTemplateSchema, { ...data, vendorTemplateId: data.vendorTemplateId ?? null, active: data.active ?? true });
    recordAudit(tx, { ...auditedBy(by), action: 'sms_template.create', targetType: 'sms_template', targetId: data.code });
    return template;
  });
}

export async function updateTemplate(em: EntityManager, code: string, patch: Partial<Omit<TemplateInput, 'code'>>, by: ActingAs): Promise<SmsTemplate> {
  return em.transactional(async (tx) => {
    const template = await templateByCode(tx, code);
    const next = checked({
      code,
      name: patch.name ?? template.name,
      category: patch.category ?? template.category,
      vendorTemplateId: patch.vendorTemplateId === undefined ? template.vendorTemplateId : patch.vendorTemplateId,
      content: patch.content ?? template.content,
      paramNames: patch.paramNames ?? template.paramNames,
      active: patch.active ?? template.active,
    });
    tx.assign(template, next);
    recordAudit(tx, { ...auditedBy(by), action: 'sms_template.update', targetType: 'sms_template', targetId: code, details: { fields: Object.keys(patch) } });
    return template;
  });
}

/** Templates that sends reference are kept: deleting one only deactivates it. */
export async function deactivateTemplate(em: EntityManager, code: string, by: ActingAs): Promise<SmsTemplate> {
  return updateTemplate(em, code, { active: false }, by);
}

export async function listTemplates(em: EntityManager, q: { page: number; size: number; category?: SmsCategory; activeOnly?: boolean }) {
  const where = { ...(q.category ? { category: q.category } : {}), ...(q.activeOnly ? { active: true } : {}) };
  const [rows, total] = await em.findAndCount(SmsTemplateSchema, where, { orderBy: { code: 'asc' }, limit: q.size, offset: (q.page - 1) * q.size });
  return { rows, total };
}
