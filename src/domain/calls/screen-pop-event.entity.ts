import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A screen-pop pushed to staff for a ringing call; kept so a late-joining client can fetch it. */
export const ScreenPopEventSchema = defineEntity({
  name: 'ScreenPopEvent',
  tableName: 'screen_pop_events',
  properties: {
    id: p.integer().primary().autoincrement(),
    callUuid: p.string().length(64).index(),
    staffIds: p.json<number[]>(),
    payload: p.json<Record<string, unknown>>(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
  },
});

export type ScreenPopEvent = InferEntity<typeof ScreenPopEventSchema>;
