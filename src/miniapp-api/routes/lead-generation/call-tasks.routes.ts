import { z } from 'zod';
import { CALL_OUTCOMES, CALL_SOURCES } from '../../../domain/calls/call.entity.js';
import { CALL_SENTIMENTS } from '../../../domain/calls/call-analysis.entity.js';
import type { CallTaskDeps } from '../../../domain/call-tasks/call-task-deps.js';
import { CALL_TASK_MODES, CALL_TASK_STATUSES } from '../../../domain/call-tasks/call-task.entity.js';
import { TASK_PHONE_STATUSES } from '../../../domain/call-tasks/call-task-phone.entity.js';
import { cancelCallTask, createCallTask, setCallTaskStatus } from '../../../domain/call-tasks/call-task.service.js';
import { callTaskDetail, listCallTasks } from '../../../domain/call-tasks/call-task.queries.js';
import { callRecordDetail, callRecordingLink, listCallRecords } from '../../../domain/call-tasks/call-record.queries.js';
import { isoDateTime } from '../../../domain/shared/date-time.schema.js';
import { ANALYSIS_STATUSES } from '../../../domain/shared/vocabulary.js';
import { instant } from '../../http/response.schemas.js';
import { route, routes } from '../../http/route.js';
import { listRoute } from '../../http/list-route.js';
import type { AppState } from '../../http/request-context.js';

const BASE = '/api/v1/lead-generation';
const id = z.coerce.number().int().positive().max(2_147_483_647);
const taskParams = z.object({ taskId: id.meta({ description: '任务ID' }) });
const recordParams = z.object({ recordId: id.meta({ description: '通话记录ID' }) });
const actor = (ctx: { state: AppState }) => ctx.state.actor!;
const paging = { page: z.coerce.number().int().min(1).default(1), size: z.coerce.number().int().min(1).max(100).default(10), order: z.enum(['asc', 'desc']).default('desc') };

export const createTaskBody = z.object({
  name: z.string().max(200).meta({ description: '任务名称（必填，不能为空）' }),
  description: z.string().max(2000).optional(),
  phoneNumbers: z.array(z.string().max(40)).max(50_000).meta({ description: '外呼号码（至少 1 个）；每个无效号码按序号报告，重复号码去掉并在 duplicatesRemoved 中返回' }),
  callScript: z.string().max(5000).meta({ description: '外呼脚本（必填）' }),
  scheduledTime: isoDateTime.optional().meta({ description: '计划执行时间（ISO 8601，不能早于现在）；不填则立即开始' }),
  callerId: z.string().max(40).optional().meta({ description: '外显号码：必须是已配置的号码（线路号码或 CALL_TASK_CALLER_IDS）' }),
  deviceIds: z.array(z.number().int().positive().max(2_147_483_647)).max(100).optional().meta({ description: '使用的网关设备；不填则用全部在用设备' }),
  tags: z.array(z.string().trim().min(1).max(32)).max(20).optional(),
  source: z.string().max(64).optional(),
  mode: z.enum(CALL_TASK_MODES).optional().meta({ description: 'agent（接通后转销售，默认）或 robot（播放脚本后按键菜单）' }),
  maxAttempts: z.number().int().min(1).max(10).optional().meta({ description: '每个号码最多呼叫次数（默认 3）' }),
  retryAfterMinutes: z.number().int().min(1).max(1440).optional().meta({ description: '忙线/未接后多久重拨（分钟，默认 30）' }),
  salesStaffIds: z.array(z.number().int().positive().max(2_147_483_647)).max(50).optional().meta({ description: '任务的销售（坐席模式转接、意向线索分配）；不填为创建人' }),
});
const created = z.object({
  taskId: z.number().int(),
  name: z.string(),
  status: z.enum(CALL_TASK_STATUSES),
  createTime: instant,
  phoneCount: z.number().int(),
  duplicatesRemoved: z.array(z.string()).meta({ description: '去掉的重复号码（打码）' }),
});
const stats = {
  totalCalls: z.number().int().meta({ description: '总外呼次数' }),
  successfulCalls: z.number().int().meta({ description: '成功接通次数' }),
  intendedCustomers: z.number().int().meta({ description: '意向客户数' }),
  skipped: z.number().int().meta({ description: '因合规等原因跳过的号码数' }),
  pendingNumbers: z.number().int().meta({ description: '尚未结束的号码数' }),
  abandonedCalls: z.number().int().meta({ description: '放弃的通话数（坐席模式：客户已接通但销售未在时限内接听）' }),
  abandonRate: z.number().min(0).max(1).meta({ description: '放弃率 = abandonedCalls / successfulCalls（0–1）' }),
};
const taskRow = z.object({
  taskId: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  status: z.enum(CALL_TASK_STATUSES),
  mode: z.enum(CALL_TASK_MODES),
  scheduledTime: instant.nullable(),
  createTime: instant,
  completedTime: instant.nullable(),
  failureReason: z.string().nullable(),
  ...stats,
});
const taskDetail = taskRow.extend({
  phoneNumbers: z.array(z.string()).meta({ description: '号码（无 lead:call:edit 权限时打码）' }),
  numbers: z.array(z.object({ phoneNumber: z.string(), status: z.enum(TASK_PHONE_STATUSES), attempts: z.number().int(), skipReason: z.string().nullable(), nextAttemptAt: instant.nullable(), intended: z.boolean() })),
  callScript: z.string(),
  callerId: z.string().nullable(),
  deviceIds: z.array(z.number().int()),
  tags: z.array(z.string()),
  source: z.string().nullable(),
  maxAttempts: z.number().int(),
  retryAfterMinutes: z.number().int(),
  salesStaffIds: z.array(z.number().int()),
  callRecords: z.array(z.object({ recordId: z.number().int(), phoneNumber: z.string(), startTime: instant, duration: z.number().int(), outcome: z.enum(CALL_OUTCOMES).nullable(), analysisStatus: z.enum(ANALYSIS_STATUSES).nullable() })),
});
const recordRow = z.object({
  recordId: z.number().int(),
  taskId: z.number().int().nullable(),
  phoneNumber: z.string(),
  attempt: z.number().int().nullable(),
  startTime: instant,
  endTime: instant.nullable(),
  duration: z.number().int().meta({ description: '通话秒数' }),
  outcome: z.enum(CALL_OUTCOMES).nullable(),
  hangupCause: z.string().nullable(),
  recordingUrl: z.string().nullable().meta({ description: '录音接口路径；文件链接由 …/recording 签发（10 分钟有效）' }),
  analysisStatus: z.enum(ANALYSIS_STATUSES).nullable(),
});
const listRecord = recordRow.extend({ analysisResult: z.object({ sentiment: z.enum(CALL_SENTIMENTS).nullable(), intention: z.string().nullable() }).nullable() });
const recordDetail = recordRow.extend({
  source: z.enum(CALL_SOURCES).meta({ description: '来源：400 来电 / outreach 外呼 / task 外呼任务' }),
  analysisError: z.string().nullable(),
  ivrChoice: z.string().nullable(),
  analysisResult: z
    .object({
      sentiment: z.enum(CALL_SENTIMENTS).nullable(),
      intention: z.string().nullable(),
      intentionScore: z.number().nullable(),
      keywords: z.array(z.string()),
      summary: z.string().nullable(),
      transcription: z.string().nullable(),
    })
    .nullable(),
});
const statusAnswer = z.object({ taskId: z.number().int(), status: z.enum(CALL_TASK_STATUSES) });

/** Seed 004's eight routes under /api/v1/lead-generation, with its permission strings and field names. */
export function callTaskRoutes(deps: CallTaskDeps) {
  return routes(
    route({
      method: 'post',
      path: `${BASE}/call-tasks`,
      summary: '创建外呼任务',
      tags: ['lead-generation'],
      permissions: ['lead:call:create'],
      body: createTaskBody,
      responses: { 201: { description: '已创建', schema: created } },
      errors: [],
      handler: (ctx, { body }) => createCallTask(ctx.state.em, deps, actor(ctx), body),
    }),
    listRoute({
      path: `${BASE}/call-tasks`,
      summary: '外呼任务列表',
      tags: ['lead-generation'],
      permissions: ['lead:call:view', 'lead:call:list'],
      query: z.object({
        name: z.string().trim().max(200).optional().meta({ description: '任务名称关键字（模糊匹配）' }),
        status: z.enum(CALL_TASK_STATUSES).optional(),
        startTime: isoDateTime.optional().meta({ description: '创建时间起' }),
        endTime: isoDateTime.optional().meta({ description: '创建时间止' }),
        ...paging,
        sort: z.enum(['createTime', 'scheduledTime', 'name', 'status']).default('createTime'),
      }),
      page: { description: '一页任务（统计实时计算）', item: taskRow },
      errors: [],
      list: (ctx, { query }) => listCallTasks(ctx.state.em, actor(ctx), query),
    }),
    route({
      method: 'get',
      path: `${BASE}/call-tasks/:taskId`,
      summary: '外呼任务详情',
      tags: ['lead-generation'],
      permissions: ['lead:call:view'],
      params: taskParams,
      responses: { 200: { description: '任务、号码状态与通话记录', schema: taskDetail } },
      errors: ['CALL_TASK_NOT_FOUND'],
      handler: (ctx, { params }) => callTaskDetail(ctx.state.em, actor(ctx), params.taskId),
    }),
    route({
      method: 'put',
      path: `${BASE}/call-tasks/:taskId/status`,
      summary: '启动/停止外呼任务',
      tags: ['lead-generation'],
      permissions: ['lead:call:control'],
      params: taskParams,
      body: z.object({ action: z.enum(['START', 'STOP']) }),
      responses: { 200: { description: '新状态', schema: statusAnswer } },
      errors: ['CALL_TASK_NOT_FOUND', 'CALL_TASK_NOT_STARTABLE', 'CALL_TASK_NOT_RUNNING'],
      handler: (ctx, { params, body }) => setCallTaskStatus(ctx.state.em, deps, actor(ctx), params.taskId, body.action),
    }),
    route({
      method: 'put',
      path: `${BASE}/call-tasks/:taskId/cancel`,
      summary: '取消外呼任务',
      tags: ['lead-generation'],
      permissions: ['lead:call:cancel'],
      params: taskParams,
      responses: { 200: { description: '已取消', schema: statusAnswer } },
      errors: ['CALL_TASK_NOT_FOUND', 'CALL_TASK_NOT_CANCELLABLE'],
      handler: (ctx, { params }) => cancelCallTask(ctx.state.em, deps, actor(ctx), params.taskId),
    }),
    listRoute({
      path: `${BASE}/call-records`,
      summary: '通话记录列表',
      tags: ['lead-generation'],
      permissions: ['lead:call:view', 'lead:call:record:list'],
      query: z.object({
        taskId: id.optional(),
        phoneNumber: z.string().trim().max(40).optional().meta({ description: '电话号码（精确匹配）' }),
        analysisStatus: z.enum(ANALYSIS_STATUSES).optional(),
        startTime: isoDateTime.optional().meta({ description: '通话开始时间起' }),
        endTime: isoDateTime.optional().meta({ description: '通话开始时间止' }),
        ...paging,
        sort: z.enum(['startTime', 'endTime', 'duration']).default('startTime'),
      }),
      page: { description: '一页通话记录', item: listRecord },
      errors: [],
      list: (ctx, { query }) => listCallRecords(ctx.state.em, actor(ctx), query),
    }),
    route({
      method: 'get',
      path: `${BASE}/call-records/:recordId`,
      summary: '通话记录详情（含完整分析结果）',
      tags: ['lead-generation'],
      permissions: ['lead:call:record:view'],
      params: recordParams,
      responses: { 200: { description: '通话与分析', schema: recordDetail } },
      errors: ['CALL_RECORD_NOT_FOUND'],
      handler: (ctx, { params }) => callRecordDetail(ctx.state.em, actor(ctx), params.recordId),
    }),
    route({
      method: 'get',
      path: `${BASE}/call-records/:recordId/recording`,
      summary: '通话录音（10 分钟有效的签名链接）',
      tags: ['lead-generation'],
      permissions: ['lead:call:record:download'],
      params: recordParams,
      responses: { 200: { description: '签名链接', schema: z.object({ recordingUrl: z.string(), expiresAt: instant }) } },
      errors: ['CALL_RECORD_NOT_FOUND', 'RECORDING_NOT_FOUND'],
      handler: (ctx, { params }) => callRecordingLink(ctx.state.em, actor(ctx), params.recordId, deps.recordingSecret),
    }),
  );
}
