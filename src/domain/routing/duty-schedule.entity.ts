import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';
import { StaffSchema, type Weekday } from '../staff/staff.entity.js';

export type DutyDay = Weekday | 'holiday';

/**
 * A slot of the 7x24 duty roster (seed 003): who answers on these days between start and end
 * (HH:mm, Asia/Shanghai; end before start runs past midnight). Lower `priority` rings first.
 */
export const DutyScheduleSchema = defineEntity({
  name: 'DutySchedule',
  tableName: 'duty_schedules',
  properties: {
    id: p.integer().primary().autoincrement(),
    staff: () => p.manyToOne(StaffSchema).mapToPk().joinColumn('staff_id').deleteRule('cascade'),
    days: p.json<DutyDay[]>(),
    startTime: p.string().length(5),
    endTime: p.string().length(5),
    priority: p.integer().default(0),
    active: p.boolean().default(true),
    ...timestamps(),
  },
});

export type DutySchedule = InferEntity<typeof DutyScheduleSchema>;
