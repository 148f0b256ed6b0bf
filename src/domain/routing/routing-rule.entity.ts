import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';

/**
 * Routing configuration of seed 003, one row per rule, its shape depending on `kind`:
 * work_hours (weekday/saturday/sunday opening hours), time_slot (time-based routing: primary, backup,
 * strategy), forwarding (busy/no-answer/offline forwarding of the gateway). The domain validates `body`.
 */
export const ROUTING_RULE_KINDS = ['work_hours', 'time_slot', 'forwarding'] as const;
export type RoutingRuleKind = (typeof ROUTING_RULE_KINDS)[number];

export const RoutingRuleSchema = defineEntity({
  name: 'RoutingRule',
  tableName: 'routing_rules',
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.enum([...ROUTING_RULE_KINDS]),
    name: p.string().length(64),
    body: p.json<Record<string, unknown>>(),
    priority: p.integer().default(0),
    active: p.boolean().default(true),
    ...timestamps(),
  },
  indexes: [{ properties: ['kind', 'active'] }],
});

export type RoutingRule = InferEntity<typeof RoutingRuleSchema>;
