import { UsageError, type Command } from './command.js';

const ACTIONS: Record<string, 'list' | 'start' | 'stop' | 'cancel'> = {
  列表: 'list', list: 'list', ls: 'list',
  启动: 'start', start: 'start',
  停止: 'stop', stop: 'stop', pause: 'stop',
  取消: 'cancel', cancel: 'cancel',
};
const PERMISSION = { list: 'lead:call:list', start: 'lead:call:control', stop: 'lead:call:control', cancel: 'lead:call:cancel' } as const;
const VERB = { start: '已启动', stop: '已停止', cancel: '已取消' } as const;

export const callTaskCommand: Command = {
  names: ['外呼', 'calls', 'call'],
  usage: '外呼 列表 | 外呼 启动 <任务编号> | 外呼 停止 <任务编号> | 外呼 取消 <任务编号>',
  summary: '查看和控制外呼任务',
  async run(args, ctx) {
    const action = ACTIONS[(args[0] ?? '').toLowerCase()];
    if (!action) throw new UsageError();
    const actor = ctx.require(PERMISSION[action], action === 'list' ? '查看外呼任务' : '控制外呼任务');
    const tasks = ctx.deps.callTasks;
    if (action === 'list') {
      const rows = await tasks.list(actor.staffId);
      if (rows.length === 0) return '没有外呼任务。';
      return `外呼任务：\n${rows.slice(0, 20).map((t) => `${t.id} ${t.name} ${t.status} ${t.progress}`).join('\n')}`;
    }
    const id = args[1];
    if (!id || !/^[\w.-]{1,64}$/.test(id)) throw new UsageError();
    const res = await tasks[action](actor.staffId, id);
    return `${VERB[action]}外呼任务 ${res.id}（${res.status}）`;
  },
};
