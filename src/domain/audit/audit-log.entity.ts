import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const AUDIT_CHANNELS = ['api', 'wecom', 'wechaty', 'miniapp', 'cli', 'job', 'telephony', 'system'] as const;
export type AuditChannel = (typeof AUDIT_CHANNELS)[number];

/** Who did what to which record, when and through which door. Rows are never updated. */
export const AuditLogSchema = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    actorStaffId: p.integer().nullable().index(),
    action: p.string().length(64).index(),
    targetType: p.string().length(64),
    targetId: p.string().length(64).nullable(),
    channel: p.enum([...AUDIT_CHANNELS]),
    details: p.json<Record<string, unknown>>().nullable(),
    requestId: p.string().length(64).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
  },
  indexes: [{ properties: ['targetType', 'targetId'] }],
});

export type AuditLog = InferEntity<typeof AuditLogSchema>;
