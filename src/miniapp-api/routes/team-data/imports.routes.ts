import { Readable } from 'node:stream';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { authorize } from '../../../domain/auth/actor.js';
import { IMPORT_KINDS, IMPORT_STATUSES } from '../../../domain/imports/import.entity.js';
import { queueImport } from '../../../domain/imports/import-queue.js';
import { importErrors, importErrorsCsv, importStatus, sheetFormatOf } from '../../../domain/imports/import.service.js';
import type { JobQueue } from '../../../domain/ports/job-queue.port.js';
import { MULTIPART } from '../../../http/route-spec.js';
import { DomainError } from '../../../domain/shared/domain-error.js';
import { storeUpload, type StoredUpload } from '../../http/file-upload.js';
import type { AppState } from '../../http/request-context.js';
import { idParams, instant } from '../../http/response.schemas.js';
import { reply, route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';
import { validationFailed } from '../../http/validate.js';

export const importBody = z.object({
  kind: z.enum(IMPORT_KINDS).meta({ description: '导入什么：customers 客户（含联系人）、members 会员、visits 到店消费、consents 授权、events 活动' }),
  encoding: z.enum(['auto', 'utf8', 'gbk']).default('auto').meta({ description: 'CSV 的编码；auto 自动识别 UTF-8 / GBK' }),
  file: z.string().meta({ description: 'CSV 或 XLSX 文件（第一行为表头，中英文列名均可）', format: 'binary' }),
});

export const importItem = z.object({
  id: z.number().int(),
  kind: z.enum(IMPORT_KINDS),
  fileName: z.string(),
  format: z.enum(['csv', 'xlsx']),
  encoding: z.string(),
  status: z.enum(IMPORT_STATUSES),
  processed: z.number().int().meta({ description: '已处理的数据行' }),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int().meta({ description: '与已有数据相同，未改动' }),
  rejected: z.number().int(),
  progress: z.number().int().min(0).max(100),
  ignoredColumns: z.array(z.string()).meta({ description: '未识别、已忽略的列' }),
  error: z.string().nullable().meta({ description: '整个导入失败的原因（如缺少必需的列）' }),
  createdBy: z.number().int().nullable(),
  createdAt: instant,
  startedAt: instant.nullable(),
  completedAt: instant.nullable(),
});

const errorItem = z.object({ line: z.number().int(), field: z.string(), value: z.string().nullable().meta({ description: '原值（号码打码）' }), reason: z.string() });
const errorsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  size: z.coerce.number().int().min(1).max(100).default(10),
});

type UploadState = AppState & { upload?: StoredUpload };

/** Checks the permission, then streams the upload to disk and hands its fields to validation. */
function receiveUpload(dir: string, maxBytes: number): Middleware<UploadState> {
  return async (ctx, next) => {
    const actor = ctx.state.actor;
    if (!actor) throw new DomainError('UNAUTHENTICATED', '需要登录');
    authorize(actor, 'import:run', '批量导入');
    const upload = await storeUpload(ctx, dir, maxBytes);
    ctx.state.upload = upload;
    ctx.request.body = { ...upload.fields, file: upload.fileName };
    try {
      await next();
    } finally {
      // A refused upload (bad kind, not a spreadsheet) leaves nothing behind; a queued one is the job's.
      if (ctx.state.upload) await unlink(upload.path).catch(() => undefined);
    }
  };
}

function formatOf(upload: StoredUpload): 'csv' | 'xlsx' {
  const format = sheetFormatOf(upload.fileName);
  if (typeof format === 'object') throw validationFailed([{ field: 'file', message: format.error, in: 'body' }]);
  return format;
}

/** Bulk import: upload (a job runs it), progress, rejected rows (JSON page or CSV download). */
export function importRoutes(deps: { dataDir: string; maxBytes: number; jobs: JobQueue }) {
  return routes<UploadState>(
    route({
      method: 'post',
      path: '/api/imports',
      summary: '批量导入：上传 CSV 或 XLSX（后台任务执行，按稳定键更新或新增）',
      tags: ['imports'],
      permissions: ['import:run'],
      guard: receiveUpload(join(deps.dataDir, 'imports'), deps.maxBytes),
      body: importBody,
      bodyContentType: MULTIPART,
      responses: { 202: { description: '已排队；用 GET /api/imports/:id 查看进度', schema: importItem } },
      errors: ['IMPORT_FILE_INVALID', 'IMPORT_FILE_TOO_LARGE'],
      handler: async (ctx, { body }) => {
        const upload = ctx.state.upload!;
        const format = formatOf(upload);
        const queued = await queueImport(ctx.state.em, deps.jobs, ctx.state.actor!, { kind: body.kind, encoding: body.encoding, fileName: upload.fileName, format, storedPath: upload.path });
        ctx.state.upload = undefined;
        return reply(202, queued);
      },
    }),
    route({
      method: 'get',
      path: '/api/imports/:id',
      summary: '导入进度与结果',
      tags: ['imports'],
      permissions: ['import:run'],
      params: idParams,
      responses: { 200: { description: '已处理、新增、更新、未变、拒绝的行数与进度', schema: importItem } },
      errors: ['IMPORT_NOT_FOUND'],
      handler: (ctx, { params }) => importStatus(ctx.state.em, ctx.state.actor!, params.id),
    }),
    listRoute({
      path: '/api/imports/:id/errors',
      summary: '被拒绝的行：行号、字段、原值（号码打码）、中文原因（分页）',
      tags: ['imports'],
      permissions: ['import:run'],
      params: idParams,
      query: errorsQuery,
      page: { description: '一页错误行，按行号排列', item: errorItem },
      errors: ['IMPORT_NOT_FOUND'],
      list: (ctx, { params, query }) => importErrors(ctx.state.em, ctx.state.actor!, params.id, query),
    }),
    route({
      method: 'get',
      path: '/api/imports/:id/errors.csv',
      summary: '下载全部被拒绝的行（CSV）',
      tags: ['imports'],
      permissions: ['import:run'],
      params: idParams,
      responses: { 200: { description: 'UTF-8 CSV（带 BOM）：行号、字段、值、原因', contentType: 'text/csv' } },
      errors: ['IMPORT_NOT_FOUND'],
      handler: async (ctx, { params }) => {
        const lines = importErrorsCsv(ctx.state.em, ctx.state.actor!, params.id);
        const first = await lines.next();
        ctx.status = 200;
        ctx.type = 'text/csv; charset=utf-8';
        ctx.attachment(`import-${params.id}-errors.csv`);
        ctx.body = Readable.from((async function* () {
          if (!first.done) yield first.value;
          yield* lines;
        })());
        return undefined;
      },
    }),
  );
}
