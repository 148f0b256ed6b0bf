import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { phoneColumns, timestamps } from '../shared/entity-columns.js';
import { GatewayDeviceSchema } from './gateway-device.entity.js';

export const LINE_STATUSES = ['idle', 'busy', 'down', 'disabled'] as const;
export type LineStatus = (typeof LINE_STATUSES)[number];

const number = phoneColumns('number', { nullable: true });

/** One FXO/PSTN port of a gateway and the number it carries; call tasks dial at the pace of idle lines. */
export const GatewayLineSchema = defineEntity({
  name: 'GatewayLine',
  tableName: 'gateway_lines',
  properties: {
    id: p.integer().primary().autoincrement(),
    device: () => p.manyToOne(GatewayDeviceSchema).ref().deleteRule('cascade'),
    port: p.integer(),
    number: number.number,
    numberLast8: number.last8,
    status: p.enum([...LINE_STATUSES]).default('idle'),
    ...timestamps(),
  },
  uniques: [{ properties: ['device', 'port'] }],
});

export type GatewayLine = InferEntity<typeof GatewayLineSchema>;
