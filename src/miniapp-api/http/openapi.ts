import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject, type oas31 } from 'zod-openapi';
import { errorSpec, type ErrorCode } from '../../domain/errors/registry.js';
import { openApiPath, routeErrors, type RouteSpec } from '../../http/route-spec.js';
import { OK_MESSAGE } from './envelope.js';

export type OpenApiDocument = oas31.OpenAPIObject;

const ACCESS_TEXT: Record<RouteSpec['access']['kind'], string> = {
  staff: '员工令牌（Authorization: Bearer <staff token>）',
  miniapp: '小程序会话令牌（Authorization: Bearer <miniapp token>）',
  public: '无需登录',
  'callback-token': '路径中的回调令牌（TENCENT_SMS_CALLBACK_TOKEN）',
  'signed-url': '签名链接（expires、sig）',
  'wecom-signature': '企业微信 msg_signature 签名',
  'metrics-token': '监控抓取令牌（Authorization: Bearer <METRICS_TOKEN>）',
  'board-session': '看板会话 Cookie（salesops_board，由 POST /api/board/session 设置）',
};

function security(spec: RouteSpec): oas31.SecurityRequirementObject[] {
  if (spec.access.kind === 'staff') return [{ staffToken: [] }];
  if (spec.access.kind === 'miniapp') return [{ miniappToken: [] }];
  if (spec.access.kind === 'board-session') return [{ boardSession: [] }];
  return [];
}

function successResponses(spec: RouteSpec): ZodOpenApiResponsesObject {
  const out: ZodOpenApiResponsesObject = {};
  for (const [status, res] of Object.entries(spec.responses)) {
    const contentType = res.contentType ?? 'application/json';
    const enveloped = res.envelope ?? contentType === 'application/json';
    const schema = enveloped
      ? z.object({ code: z.literal(Number(status)), message: z.literal(OK_MESSAGE), data: res.schema ?? z.null() })
      : res.schema;
    out[status as `2${string}`] = { description: res.description, content: { [contentType]: schema ? { schema } : {} } };
  }
  return out;
}

function errorResponses(codes: ErrorCode[]): ZodOpenApiResponsesObject {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = errorSpec(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: ZodOpenApiResponsesObject = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    const sorted = list.sort();
    out[String(status) as `4${string}`] = {
      description: sorted.join(', '),
      content: {
        'application/json': {
          schema: z.object({
            code: z.literal(status),
            message: z.string(),
            error: z.enum(sorted as [ErrorCode, ...ErrorCode[]]),
            details: z.unknown().optional(),
          }),
        },
      },
    };
  }
  return out;
}

function operation(spec: RouteSpec): ZodOpenApiOperationObject {
  const errors = routeErrors(spec);
  const permissions = spec.access.kind === 'staff' ? spec.access.permissions : [];
  const who = spec.access.kind === 'staff' && permissions.length ? `权限：${permissions.join(' 或 ')}` : ACCESS_TEXT[spec.access.kind];
  const op: ZodOpenApiOperationObject = {
    operationId: `${spec.method}${spec.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: spec.summary,
    description: [spec.description, `访问：${who}`].filter(Boolean).join('\n\n'),
    tags: [...spec.tags],
    security: security(spec),
    'x-access': spec.access.kind,
    'x-permissions': [...permissions],
    'x-error-codes': errors,
    responses: { ...successResponses(spec), ...errorResponses(errors) },
  };
  const params = { ...(spec.params ? { path: spec.params as never } : {}), ...(spec.query ? { query: spec.query as never } : {}) };
  if (Object.keys(params).length) op.requestParams = params;
  if (spec.body) op.requestBody = { required: true, content: { [spec.bodyContentType ?? 'application/json']: { schema: spec.body } } };
  return op;
}

/**
 * The OpenAPI 3.1 document of every described route, generated from the same zod schemas that validate
 * the requests (zod-openapi over zod 4's JSON Schema). Dates in answers are ISO 8601 strings.
 */
export function openApiDocument(specs: readonly RouteSpec[], info: { title: string; version: string; description?: string }): OpenApiDocument {
  const paths: ZodOpenApiPathsObject = {};
  for (const spec of specs) {
    const path = openApiPath(spec.path);
    paths[path] = { ...paths[path], [spec.method]: operation(spec) };
  }
  const tags = [...new Set(specs.flatMap((s) => s.tags))].sort().map((name) => ({ name }));
  return createDocument(
    {
      openapi: '3.1.0',
      info,
      tags,
      paths,
      components: {
        securitySchemes: {
          staffToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '员工令牌：npm run cli -- token:issue，或小程序绑定员工后返回的 staffToken' },
          miniappToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '小程序会话令牌：POST /api/miniapp/login' },
          boardSession: { type: 'apiKey', in: 'cookie', name: 'salesops_board', description: '实时看板会话：POST /api/board/session（员工令牌）或企业微信网页授权登录后设置' },
        },
      },
    },
    {
      override: ({ jsonSchema, zodSchema, io }) => {
        if (io === 'output' && zodSchema._zod.def.type === 'date') {
          jsonSchema.type = 'string';
          jsonSchema.format = 'date-time';
        }
      },
    },
  ) as OpenApiDocument;
}
