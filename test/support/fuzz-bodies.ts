/**
 * Malformed request bodies for the fuzz test, derived from a route's documented JSON Schema: a baseline
 * that satisfies the schema as far as names and formats allow, then the same body with one field (or
 * the whole body) replaced by something hostile. Deterministic for a seed.
 */
type Json = unknown;
type Schema = Record<string, any>;

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (levels: number): Json => {
  let v: Json = { leaf: 'x' };
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

/** Values that have broken parsers, validators and databases. */
export const HOSTILE: ReadonlyArray<[name: string, value: Json]> = [
  ['null', null],
  ['true', true],
  ['zero', 0],
  ['negative', -1],
  ['fraction', 1.5],
  ['huge number', 1e308],
  ['negative huge number', -1e308],
  ['beyond safe integer', 2 ** 53 + 1],
  ['int32 overflow', 2_147_483_648],
  ['empty string', ''],
  ['NUL', '\u0000'],
  ['NUL inside', 'a\u0000b'],
  ['lone surrogate', '\ud800x'],
  ['lone low surrogate', 'x\udfff'],
  ['long string', 'x'.repeat(100_000)],
  ['emoji', '🙂'.repeat(50)],
  ['quote and backslash', `'"\\;--`],
  ['digits', '12345'],
  ['impossible date', '2026-02-30T00:00:00Z'],
  ['six-digit year', '+275760-09-13T00:00:00Z'],
  ['negative year', '-271821-04-20T00:00:00Z'],
  ['year 9999', '9999-12-31T23:59:59Z'],
  ['date without zone', '2026-03-01T09:30:00'],
  ['empty array', []],
  ['array of garbage', [null, true, {}, '\u0000', '\ud800']],
  ['huge array', Array.from({ length: 20_000 }, (_, i) => i)],
  ['empty object', {}],
  ['operator $gt', { $gt: '' }],
  ['operator $ne', { $ne: null }],
  ['proto key', JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {}}}')],
  ['deep object', deep(40)],
  ['wide object', Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]))],
];

/** Property names whose values the baseline fills from the seeded data (so requests go past "not found"). */
export type Hints = Record<string, Json>;

const STRING_CANDIDATES = ['ABCDEFGH', 'TPL_FUZZ', '09:00', 'x', 'wx-code-1', '13800138000'];

function sample(schema: Schema | undefined, hints: Hints, name: string, depth: number): Json {
  if (!schema || depth > 6) return null;
  if (name in hints) return hints[name];
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return sample(alternatives.find((s: Schema) => s.type !== 'null') ?? alternatives[0], hints, name, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key], hints, key, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 1 }, () => sample(schema.items, hints, name, depth + 1));
    case 'string': {
      if (schema.format === 'date-time') return new Date(Date.now() + 86_400_000).toISOString();
      if (schema.format === 'date') return '2026-10-01';
      const min = schema.minLength ?? 1;
      const max = schema.maxLength ?? 64;
      const fits = (s: string) => s.length >= min && s.length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(s));
      return STRING_CANDIDATES.find(fits) ?? 'x'.repeat(min);
    }
    case 'integer':
    case 'number':
      return Math.min(Math.max(schema.minimum ?? 1, 1), schema.maximum ?? Number.MAX_SAFE_INTEGER);
    case 'boolean':
      return true;
    default:
      return 'x';
  }
}

export type FuzzCase = { name: string; body: Json };

/** A bounded, seeded list of hostile bodies for one route's request schema. */
export function fuzzBodies(schema: Schema | undefined, hints: Hints, random: () => number, limit: number): FuzzCase[] {
  const baseline = sample(schema ?? { type: 'object' }, hints, '(body)', 0);
  const cases: FuzzCase[] = [{ name: 'baseline', body: baseline }];
  for (const [name, value] of HOSTILE) cases.push({ name: `body = ${name}`, body: value });
  const objectBase = baseline && typeof baseline === 'object' && !Array.isArray(baseline) ? (baseline as Record<string, Json>) : undefined;
  const props = Object.entries<Schema>(schema?.properties ?? {});
  for (const [key, propSchema] of props) {
    for (const [name, value] of HOSTILE) cases.push({ name: `${key} = ${name}`, body: { ...objectBase, [key]: value } });
    // One level down (a filter, a nested object): the inner fields get the same treatment.
    const inner = propSchema.anyOf?.find((s: Schema) => s.type === 'object') ?? (propSchema.type === 'object' ? propSchema : undefined);
    for (const innerKey of Object.keys(inner?.properties ?? {})) {
      for (const [name, value] of HOSTILE) cases.push({ name: `${key}.${innerKey} = ${name}`, body: { ...objectBase, [key]: { [innerKey]: value } } });
    }
  }
  if (objectBase) {
    cases.push({ name: 'operator key beside the fields', body: { ...objectBase, $where: '1=1', $gt: '' } });
    cases.push({ name: 'array where the object belongs', body: [objectBase] });
  }
  // Keep the baseline and a seeded selection of the rest.
  const rest = cases.slice(1);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [cases[0]!, ...rest.slice(0, limit - 1)];
}
