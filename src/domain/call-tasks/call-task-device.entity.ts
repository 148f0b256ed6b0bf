import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { GatewayDeviceSchema } from '../voice-gateways/gateway-device.entity.js';
import { CallTaskSchema } from './call-task.entity.js';

/** A gateway a call task may dial through (seed 004's t_device is our gateway_devices). */
export const CallTaskDeviceSchema = defineEntity({
  name: 'CallTaskDevice',
  tableName: 't_call_task_devices',
  properties: {
    id: p.integer().primary().autoincrement(),
    task: () => p.manyToOne(CallTaskSchema).ref().deleteRule('cascade'),
    device: () => p.manyToOne(GatewayDeviceSchema).ref().deleteRule('cascade'),
  },
  uniques: [{ properties: ['task', 'device'] }],
});

export type CallTaskDevice = InferEntity<typeof CallTaskDeviceSchema>;
