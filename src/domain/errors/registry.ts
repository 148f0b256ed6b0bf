import type { ErrorSpec, ErrorTable } from './error-spec.js';
import * as modules from './modules.js';

type Modules = typeof modules;

/** Every stable error code: a code no module declares is a type error where it is thrown. */
export type ErrorCode = { [M in keyof Modules]: keyof Modules[M] & string }[keyof Modules];

// Each module's table must have the registry's shape (a misspelt field or an unknown status fails here).
const tables: { readonly [M in keyof Modules]: ErrorTable } = modules;

function merge(): Readonly<Record<ErrorCode, ErrorSpec>> {
  const all: Record<string, ErrorSpec> = {};
  const owner: Record<string, string> = {};
  for (const [table, codes] of Object.entries(tables)) {
    for (const [code, spec] of Object.entries(codes)) {
      if (owner[code]) throw new Error(`error code ${code} is declared twice: ${owner[code]} and ${table}`);
      owner[code] = table;
      all[code] = spec;
    }
  }
  return all as Record<ErrorCode, ErrorSpec>;
}

/** The one table of error codes: code → HTTP status, retryable, default message, chat reply. */
export const ERRORS = merge();

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERRORS, code);
}

export function errorSpec(code: ErrorCode): ErrorSpec {
  return ERRORS[code];
}

/** The module table each code comes from (the README's error table groups codes by it). */
export function errorTables(): ReadonlyArray<{ table: string; codes: ReadonlyArray<[ErrorCode, ErrorSpec]> }> {
  return Object.entries(tables).map(([table, codes]) => ({ table, codes: Object.entries(codes) as Array<[ErrorCode, ErrorSpec]> }));
}
