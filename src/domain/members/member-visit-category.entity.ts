import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { MemberVisitSchema } from './member-visit.entity.js';

/**
 * A visit category's name and its number: member_visit_categories refers to a category by number, so
 * a chunk's favourites group a narrow integer key (names compare as MariaDB's table collation does:
 * case variants are one category there, as the JSON's categories grouped before).
 */
export const VisitCategorySchema = defineEntity({
  name: 'VisitCategory',
  tableName: 'visit_categories',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().length(64).unique(),
  },
});

/**
 * One category of one visit (member_visits.categories unnested), written by the database itself:
 * triggers on member_visits insert and update keep it equal to the JSON (migration
 * visit_categories), a deleted visit's rows go with it (foreign key), so every writer — the importer,
 * the demo seed, plain SQL — keeps it current without knowing of it. The favourite categories of the
 * behaviour run read it through the (member, category, visitedAt) index, in order, without unnesting
 * JSON. `pos` is the category's place in the visit's array (a category listed twice counts twice, as
 * in the JSON). A later migration that rebuilds member_visits (SQLite's way of altering a column:
 * copy, drop, rename) drops its triggers and must create them again.
 */
export const MemberVisitCategorySchema = defineEntity({
  name: 'MemberVisitCategory',
  tableName: 'member_visit_categories',
  properties: {
    visit: () => p.manyToOne(MemberVisitSchema).ref().primary().deleteRule('cascade').index(false),
    pos: p.integer().primary(),
    /** The visit's member and time, copied: the favourites read this table alone. */
    memberId: p.string().length(50),
    visitedAt: p.datetime(),
    /** visit_categories.id (no foreign key: only the triggers write it, from that table). */
    categoryId: p.integer(),
  },
  indexes: [{ properties: ['memberId', 'categoryId', 'visitedAt'] }],
});

export type VisitCategory = InferEntity<typeof VisitCategorySchema>;
export type MemberVisitCategory = InferEntity<typeof MemberVisitCategorySchema>;
