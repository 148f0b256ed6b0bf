import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { ERRORS, errorSpec, errorTables } from '../../src/domain/errors/registry.js';
import { chatReply, classifyError } from '../../src/domain/errors/classify.js';
import { DomainError } from '../../src/domain/shared/domain-error.js';
import { HttpError, toHttpError } from '../../src/miniapp-api/http/http-error.js';
import { isPermanent } from '../../src/jobs/retry-policy.js';

describe('error registry', () => {
  it('types every code: an undeclared code does not compile', () => {
    // @ts-expect-error — NOT_A_DECLARED_CODE is in no <module>.errors.ts
    const err = new DomainError('NOT_A_DECLARED_CODE', 'x');
    expect(err).toBeInstanceOf(DomainError);
  });

  it('gives each code one status from its table, not from the shape of its name', () => {
    expect(toHttpError(new DomainError('TEMPLATE_PARAMS_MISMATCH', 'x'))?.status).toBe(422);
    expect(toHttpError(new DomainError('CONTENT_NOT_TEMPLATE', 'x'))?.status).toBe(422);
    expect(toHttpError(new DomainError('CALL_TASKS_UNAVAILABLE', 'x'))?.status).toBe(503);
    expect(toHttpError(new DomainError('RECIPIENT_OPTED_OUT', 'x'))?.status).toBe(409);
    // Codes whose names end in _NOT_FOUND, _CONFLICT or _FORBIDDEN are statuses only because the table says so.
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect([400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503], code).toContain(spec.status);
    }
    expect(new HttpError('PAYLOAD_TOO_LARGE').status).toBe(413);
  });

  it('maps database races through the same table', () => {
    const race = new UniqueConstraintViolationException(new Error('Duplicate entry'));
    expect(toHttpError(race)).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(classifyError(new Error('boom'))).toBeUndefined();
  });

  it('decides job retries by the registry: permanent unless the code is retryable', () => {
    expect(isPermanent(new DomainError('CUSTOMER_NOT_FOUND', 'x'))).toBe(true);
    expect(errorSpec('WECHAT_UNAVAILABLE').retryable).toBe(true);
    expect(isPermanent(new DomainError('WECHAT_UNAVAILABLE', 'x'))).toBe(false);
    expect(isPermanent(new Error('ECONNRESET'))).toBe(false);
  });

  it('answers in chat with the message, or the code\'s chat text', () => {
    const known = classifyError(new DomainError('TODO_NOT_FOUND', '没有这个待办'))!;
    expect(chatReply(known)).toBe('没有这个待办');
    expect(chatReply({ ...known, spec: { status: 404, chat: '找不到' } })).toBe('找不到');
  });

  it('keeps each code in exactly one module table', () => {
    const seen = errorTables().flatMap((t) => t.codes.map(([code]) => code));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(Object.keys(ERRORS).length);
  });

  it('agrees with the README error table, both ways (status and retryable)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('<!-- error-table:start -->'), readme.indexOf('<!-- error-table:end -->'));
    const rows = [...table.matchAll(/^\| `([A-Z0-9_]+)` \| (\d{3}) \| (yes)? *\|/gm)].map((m) => [m[1], `${m[2]}${m[3] ? ' retryable' : ''}`]);
    const registry = Object.entries(ERRORS).map(([code, spec]) => [code, `${spec.status}${spec.retryable ? ' retryable' : ''}`]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(registry));
    expect(rows.length).toBe(registry.length);
  });
});
