import { DomainError } from '../shared/domain-error.js';

/** Positional placeholders {1}{2}… as carriers define them; they must be numbered 1..n without gaps. */
export function placeholderCount(content: string): number {
  const numbers = [...content.matchAll(/\{(\d+)\}/g)].map((m) => Number(m[1]));
  const distinct = [...new Set(numbers)].sort((a, b) => a - b);
  distinct.forEach((n, i) => {
    if (n !== i + 1) {
      throw new DomainError('INVALID_TEMPLATE_CONTENT', `模板参数必须从 {1} 起连续编号，缺少 {${i + 1}}`, { fields: [{ field: 'content', message: '参数须写作 {1}…{n}，从 1 起连续编号' }] });
    }
  });
  return distinct.length;
}

/** Fills {1}{2}… with params; the count must match the template exactly. */
export function renderTemplate(content: string, params: readonly string[]): string {
  const expected = placeholderCount(content);
  if (params.length !== expected) {
    throw new DomainError('TEMPLATE_PARAMS_MISMATCH', `模板需要 ${expected} 个参数，收到 ${params.length} 个`, {
      fields: [{ field: 'params', message: `应有 ${expected} 个参数` }],
      expected,
      received: params.length,
    });
  }
  return content.replace(/\{(\d+)\}/g, (_m, n: string) => params[Number(n) - 1]!);
}
