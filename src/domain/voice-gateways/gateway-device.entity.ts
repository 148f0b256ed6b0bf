import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';

export const GATEWAY_STATUSES = ['unknown', 'online', 'offline', 'disabled'] as const;
export type GatewayStatus = (typeof GATEWAY_STATUSES)[number];

/** A DAG1000 voice gateway registered to FreeSWITCH through a SIP profile. */
export const GatewayDeviceSchema = defineEntity({
  name: 'GatewayDevice',
  tableName: 'gateway_devices',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(64).unique(),
    model: p.string().length(32).default('DAG1000-4S'),
    host: p.string().length(255),
    sipProfile: p.string().length(64),
    lineCount: p.integer().default(4),
    status: p.enum([...GATEWAY_STATUSES]).default('unknown'),
    ...timestamps(),
  },
});

export type GatewayDevice = InferEntity<typeof GatewayDeviceSchema>;
