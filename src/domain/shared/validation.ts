import { z } from 'zod';

/** One bad field: its path (`phoneNumber`, `items.2.name`, `(body)` for the whole input) and a Chinese message. */
export type FieldIssue = { field: string; message: string; in?: 'path' | 'query' | 'body' };

const TYPE_NAMES: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '布尔值',
  array: '数组',
  object: '对象',
  date: '日期',
  null: 'null',
  undefined: '空',
  nan: 'NaN',
  function: '函数',
  symbol: 'symbol',
  map: 'Map',
  set: 'Set',
  file: '文件',
};

const FORMAT_MESSAGES: Record<string, string> = {
  datetime: '不是有效的 ISO 8601 时间（例如 2026-03-01T09:30:00+08:00）',
  date: '不是有效的日期（YYYY-MM-DD）',
  time: '不是有效的时间（HH:mm）',
  email: '不是有效的电子邮件地址',
  url: '不是有效的 URL',
  uuid: '不是有效的 UUID',
  regex: '格式不正确',
};

function typeOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'nan';
  if (input instanceof Date) return 'date';
  return typeof input;
}

const unit = (origin: string | undefined): string => (origin === 'string' ? ' 个字符' : origin === 'array' || origin === 'set' ? ' 项' : '');

/**
 * Zod issues in Chinese for staff and customers (zod's zh-CN locale leaves type names in English and
 * reads "数值过小：期望 string >=1 字符"); a schema's own message (refine, regex) still wins.
 */
export const zhError: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) return '必填';
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return `应为${expected}，收到${TYPE_NAMES[typeOf(issue.input)] ?? typeOf(issue.input)}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string' && min === 1) return '不能为空';
      if (issue.origin === 'array' && min === 1) return '至少需要 1 项';
      if (issue.origin === 'date') return `不能早于 ${new Date(min).toISOString()}`;
      return issue.inclusive ? `不能小于 ${min}${unit(issue.origin)}` : `必须大于 ${min}${unit(issue.origin)}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'date') return `不能晚于 ${new Date(max).toISOString()}`;
      if (issue.origin === 'string') return `最多 ${max} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `最多 ${max} 项`;
      return issue.inclusive ? `不能大于 ${max}` : `必须小于 ${max}`;
    }
    case 'invalid_format':
      return FORMAT_MESSAGES[issue.format] ?? '格式不正确';
    case 'invalid_value':
      return issue.values.length === 1 ? `应为 ${String(issue.values[0])}` : `应为以下之一：${issue.values.map(String).join('、')}`;
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    case 'not_multiple_of':
      return `必须是 ${String(issue.divisor)} 的倍数`;
    case 'invalid_key':
      return '包含无效的键';
    case 'invalid_element':
      return '包含无效的值';
    case 'invalid_union':
      return '格式不正确';
    default:
      return '无效的值';
  }
};

const fieldName = (path: ReadonlyArray<PropertyKey>) => (path.length ? path.map(String).join('.') : '(body)');

/** Deeper than any request we define; MariaDB refuses JSON nested deeper than 32 levels. */
export const MAX_DEPTH = 16;

/**
 * Every string of the input that is not well-formed Unicode (a lone UTF-16 surrogate), keys included,
 * and input nested deeper than MAX_DEPTH.
 */
export function illFormedStrings(input: unknown, path: PropertyKey[] = [], found: FieldIssue[] = [], depth = 0): FieldIssue[] {
  if (found.length >= 20) return found;
  if (depth > MAX_DEPTH && input !== null && typeof input === 'object') {
    found.push({ field: fieldName(path), message: `嵌套层级过深（最多 ${MAX_DEPTH} 层）` });
    return found;
  }
  if (typeof input === 'string') {
    if (!input.isWellFormed()) found.push({ field: fieldName(path), message: '包含无效的 Unicode 字符（孤立的代理项）' });
  } else if (Array.isArray(input)) {
    input.forEach((v, i) => illFormedStrings(v, [...path, i], found, depth + 1));
  } else if (input !== null && typeof input === 'object') {
    for (const [k, v] of Object.entries(input)) {
      if (!k.isWellFormed()) found.push({ field: fieldName(path), message: '字段名包含无效的 Unicode 字符（孤立的代理项）' });
      else illFormedStrings(v, [...path, k], found, depth + 1);
    }
  }
  return found;
}

export type Checked<T> = { ok: true; data: T } | { ok: false; issues: FieldIssue[] };

/**
 * Parses with Chinese messages and reports every bad field at once, ill-formed Unicode included
 * (a string the database could not store as UTF-8/JSON is refused here, not deep in a transaction).
 */
export function check<S extends z.ZodType>(schema: S, input: unknown): Checked<z.output<S>> {
  const unicode = illFormedStrings(input);
  const result = schema.safeParse(input, { error: zhError });
  if (result.success && unicode.length === 0) return { ok: true, data: result.data };
  const issues = [...unicode];
  for (const i of result.success ? [] : result.error.issues) {
    const field = fieldName(i.path);
    if (!issues.some((u) => u.field === field)) issues.push({ field, message: i.message });
  }
  return { ok: false, issues };
}
