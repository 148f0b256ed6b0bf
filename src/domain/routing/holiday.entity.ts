import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A public holiday (Asia/Shanghai date). `workday` marks the make-up working days (调休) that fall on
 * a weekend, so the calendar can say "open" on a Sunday too.
 */
export const HolidaySchema = defineEntity({
  name: 'Holiday',
  tableName: 'holidays',
  properties: {
    id: p.integer().primary().autoincrement(),
    date: p.date().unique(),
    name: p.string().length(64),
    workday: p.boolean().default(false),
  },
});

export type Holiday = InferEntity<typeof HolidaySchema>;
