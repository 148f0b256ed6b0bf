import { p } from '@mikro-orm/core';

/** createdAt/updatedAt in UTC, set by the ORM; spread into an entity's properties. */
export function timestamps() {
  return {
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  };
}

/** A normalised E.164 number with the indexed last-8-digits column that suffix matching looks up. */
export function phoneColumns(field: string): ReturnType<typeof requiredPhone>;
export function phoneColumns(field: string, options: { nullable: true }): ReturnType<typeof optionalPhone>;
export function phoneColumns(field: string, options: { nullable?: boolean } = {}) {
  return options.nullable ? optionalPhone(field) : requiredPhone(field);
}

function requiredPhone(field: string) {
  return { number: p.string().length(20).fieldName(field), last8: p.string().length(8).fieldName(`${field}_last8`).index() };
}

function optionalPhone(field: string) {
  const { number, last8 } = requiredPhone(field);
  return { number: number.nullable(), last8: last8.nullable() };
}
