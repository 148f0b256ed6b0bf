import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { timestamps } from '../shared/entity-columns.js';

/** A venue event customers are invited to (seed 000), e.g. EVENT_001 周末狂欢夜. */
export const EventSchema = defineEntity({
  name: 'Event',
  tableName: 'events',
  properties: {
    id: p.string().length(50).primary(),
    name: p.string().length(200),
    eventDate: p.datetime().index(),
    venue: p.string().length(200).nullable(),
    description: p.text().nullable(),
    ...timestamps(),
  },
});

export type Event = InferEntity<typeof EventSchema>;
