import { listCallTasks } from '../../domain/call-tasks/call-task.queries.js';
import { cancelCallTask, setCallTaskStatus } from '../../domain/call-tasks/call-task.service.js';
import { DomainError } from '../../domain/shared/domain-error.js';
import { UsageError, type Command } from './command.js';

const ACTIONS: Record<string, 'list' | 'start' | 'stop' | 'cancel'> = {
  列表: 'list', list: 'list', ls: 'list',
  启动: 'start', start: 'start',
  停止: 'stop', stop: 'stop', pause: 'stop',
  取消: 'cancel', cancel: 'cancel',
};
const PERMISSION = { list: 'lead:call:list', start: 'lead:call:control', stop: 'lead:call:control', cancel: 'lead:call:cancel' } as const;
const VERB = { start: '已启动', stop: '已停止', cancel: '已取消' } as const;
const STATUS: Record<string, string> = { SCHEDULED: '待执行', RUNNING: '进行中', STOPPED: '已停止', COMPLETED: '已完成', FAILED: '失败', CANCELLED: '已取消' };

/** `外呼 列表|启动|停止|取消 <id>`: the same call-task service and permissions as the seed-004 API. */
export const callTaskCommand: Command = {
  names: ['外呼', 'calls', 'call'],
  usage: '外呼 列表 | 外呼 启动 <任务编号> | 外呼 停止 <任务编号> | 外呼 取消 <任务编号>',
  summary: '查看和控制外呼任务',
  async run(args, ctx) {
    const action = ACTIONS[(args[0] ?? '').toLowerCase()];
    if (!action) throw new UsageError();
    const actor = ctx.require(PERMISSION[action], action === 'list' ? '查看外呼任务' : '控制外呼任务');
    const deps = ctx.deps.callTasks;
    if (!deps) throw new DomainError('CALL_TASKS_UNAVAILABLE', '外呼任务功能尚未开通，请联系管理员');
    if (action === 'list') {
      const { rows, total } = await listCallTasks(ctx.em, actor, { page: 1, size: 20, sort: 'createTime', order: 'desc' });
      if (rows.length === 0) return '没有外呼任务。';
      const lines = rows.map((t) => `${t.taskId} ${t.name} ${STATUS[t.status] ?? t.status} 已呼 ${t.totalCalls}，接通 ${t.successfulCalls}，意向 ${t.intendedCustomers}，放弃 ${t.abandonedCalls}（${(t.abandonRate * 100).toFixed(1)}%），待拨 ${t.pendingNumbers}`);
      return `外呼任务（最新 ${rows.length}/${total}）：\n${lines.join('\n')}`;
    }
    const id = Number(args[1]);
    if (!Number.isInteger(id) || id <= 0 || id > 2_147_483_647) throw new UsageError();
    const res = action === 'cancel' ? await cancelCallTask(ctx.em, deps, actor, id) : await setCallTaskStatus(ctx.em, deps, actor, id, action === 'start' ? 'START' : 'STOP');
    return `${VERB[action]}外呼任务 ${res.taskId}（${STATUS[res.status] ?? res.status}）`;
  },
};
