import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { SMS_CATEGORIES } from '../shared/vocabulary.js';

/** An approved SMS template: content with positional {1}{2} parameters named by `param_names`. */
export const SmsTemplateSchema = defineEntity({
  name: 'SmsTemplate',
  tableName: 'sms_templates',
  properties: {
    id: p.integer().primary().autoincrement(),
    code: p.string().length(50).unique(),
    name: p.string().length(100),
    category: p.enum([...SMS_CATEGORIES]),
    vendorTemplateId: p.string().length(64).nullable(),
    content: p.text(),
    paramNames: p.json<string[]>().default('[]'),
    active: p.boolean().default(true),
    ...timestamps(),
  },
});

export type SmsTemplate = InferEntity<typeof SmsTemplateSchema>;
