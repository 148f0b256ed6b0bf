import type { Context } from 'koa';

export const OK_MESSAGE = '操作成功';

/** Seed 004's success envelope: `{ code: 200, message: '操作成功', data }`. */
export function respond(ctx: Context, data: unknown, status = 200): void {
  ctx.status = status;
  ctx.body = { code: status, message: OK_MESSAGE, data };
}

export type Page<T> = { records: T[]; total: number; size: number; current: number; pages: number };

export function pageOf<T>(records: T[], total: number, page: number, size: number): Page<T> {
  return { records, total, size, current: page, pages: Math.ceil(total / size) };
}
