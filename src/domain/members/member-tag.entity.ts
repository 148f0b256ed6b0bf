import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

/** A computed tag (seed 001 §2.2) a member carries (createdAt: the run that first gave it; a run deletes the ones no longer held); audiences select by it. */
export const MemberTagSchema = defineEntity({
  name: 'MemberTag',
  tableName: 'member_tags',
  properties: {
    id: p.integer().primary().autoincrement(),
    member: () => p.manyToOne(MemberSchema).ref().deleteRule('cascade'),
    tag: p.string().length(32),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['member', 'tag'] }],
  indexes: [{ properties: ['tag', 'member'] }],
});

export type MemberTag = InferEntity<typeof MemberTagSchema>;
