import { SALES_STATUS_LABELS, setSalesStatus } from '../../domain/sales-status/sales-status.service.js';
import type { SalesStatus } from '../../domain/sales-status/staff-status.entity.js';
import { openTodos, completeTodo } from '../../domain/todos/todo.service.js';
import { localParts } from '../../domain/shared/business-time.js';
import { UsageError, type Command } from './command.js';

const STATUS_WORDS: Record<string, SalesStatus> = {
  ...Object.fromEntries(Object.entries(SALES_STATUS_LABELS).map(([status, label]) => [label, status as SalesStatus])),
  办公室: 'in_office',
  office: 'in_office',
  in_office: 'in_office',
  out: 'in_field',
  field: 'in_field',
  in_field: 'in_field',
  meeting: 'in_meeting',
  in_meeting: 'in_meeting',
  off: 'off_duty',
  off_duty: 'off_duty',
  leave: 'on_leave',
  on_leave: 'on_leave',
};

export const statusCommand: Command = {
  names: ['状态', 'status'],
  usage: '状态 在办公室|外出|开会|下班|休假 [地点]',
  summary: '设置自己的工作状态（来电按状态分配）',
  async run(args, ctx) {
    const actor = ctx.require('sales:status:set', '设置状态');
    const status = STATUS_WORDS[(args[0] ?? '').toLowerCase()];
    if (!status) throw new UsageError(args[0] ? `不认识的状态“${args[0]}”` : undefined);
    const location = args.slice(1).join(' ') || null;
    await setSalesStatus(ctx.em, { staffId: actor.staffId, status, location, channel: actor.channel, now: ctx.now });
    return `已设置状态：${SALES_STATUS_LABELS[status]}${location ? `（${location}）` : ''}，1 小时内有效。`;
  },
};

export const todosCommand: Command = {
  names: ['待办', 'todo', 'todos'],
  usage: '待办',
  summary: '查看我的待办',
  async run(_args, ctx) {
    const todos = await openTodos(ctx.em, ctx.me().staffId, 20);
    if (todos.length === 0) return '没有未完成的待办。';
    const lines = todos.map((t) => {
      const due = t.dueAt ? `${localParts(t.dueAt, ctx.deps.timeZone).date} ${localParts(t.dueAt, ctx.deps.timeZone).hhmm}` : t.dueDate;
      return `#${t.id} ${t.title}（截止 ${due}${t.priority === 'high' || t.priority === 'urgent' ? '，优先' : ''}）`;
    });
    return `我的待办（${todos.length}）：\n${lines.join('\n')}\n完成后回复：完成 <编号>`;
  },
};

export const completeCommand: Command = {
  names: ['完成', 'done'],
  usage: '完成 <待办编号>',
  summary: '把一条待办标记为完成',
  async run(args, ctx) {
    const id = Number((args[0] ?? '').replace(/^#/, ''));
    if (!Number.isInteger(id) || id <= 0) throw new UsageError();
    const todo = await completeTodo(ctx.em, ctx.me(), { todoId: id, now: ctx.now });
    return `已完成待办 #${todo.id}：${todo.title}`;
  },
};
