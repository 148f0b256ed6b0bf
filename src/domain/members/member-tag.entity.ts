import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberSchema } from './member.entity.js';

/**
 * A computed tag (seed 001 §2.2) a member carries (createdAt: the run that first gave it; a run deletes the
 * ones no longer held); audiences select by it. Keyed by (member, tag) in the table's own order (InnoDB's
 * clustered index), not by a number with a unique index beside it: writing a tag again over its deleted,
 * not yet purged copy made InnoDB's duplicate check of a unique secondary index lock the next entry and the
 * gap before it — the next member's, in another chunk of the nightly (test/customers/behavior-parallel-chunks).
 */
export const MemberTagSchema = defineEntity({
  name: 'MemberTag',
  tableName: 'member_tags',
  properties: {
    member: () => p.manyToOne(MemberSchema).ref().primary().deleteRule('cascade'),
    tag: p.string().length(32).primary(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  indexes: [{ properties: ['tag', 'member'] }],
});

export type MemberTag = InferEntity<typeof MemberTagSchema>;
