import { h } from './dom.js';
import type { Approval, LiveCall, ProgressRow, Snapshot, StaffRow } from './snapshot.js';

const SOURCE_LABELS: Record<string, string> = { inbound: '400 来电', '400': '400 来电', call_task: '外呼任务', outreach: '语音外呼' };

const time = (iso: string) => new Date(iso).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const orDash = (v: number | null, unit = '') => (v === null ? '—' : `${v}${unit}`);

function section(id: string, title: string, count: number | null, ...body: Array<Node | null>): HTMLElement {
  return h('section', { id, class: 'card' }, h('h2', {}, title, count === null ? null : h('span', { class: 'count' }, count)), ...body);
}

const empty = (text: string) => h('p', { class: 'empty' }, text);

function staffList(staff: StaffRow[]): HTMLElement {
  if (!staff.length) return empty('暂无销售人员');
  return h(
    'ul',
    { class: 'staff' },
    ...staff.map((s) =>
      h(
        'li',
        { 'data-staff-id': s.id, class: s.onCall ? 'on-call' : '' },
        h('span', { class: 'name' }, s.name),
        h('span', { class: `status status-${s.status ?? 'unknown'}` }, s.statusLabel, s.location ? `·${s.location}` : null),
        s.onCall ? h('span', { class: 'badge talking' }, '通话中') : null,
      ),
    ),
  );
}

function callList(calls: LiveCall[], names: Map<number, string>): HTMLElement {
  if (!calls.length) return empty('当前没有通话');
  return h(
    'ul',
    { class: 'calls' },
    ...calls.map((c) => {
      const who = c.staffIds.map((id) => names.get(id) ?? `#${id}`).join('、') || (c.state === 'ringing' ? '无人可接，转语音留言' : '—');
      return h(
        'li',
        { 'data-call-uuid': c.uuid, 'data-state': c.state },
        h('span', { class: `badge ${c.state}` }, c.state === 'ringing' ? '振铃中' : '通话中'),
        h('span', { class: 'caller' }, c.caller),
        c.customerName ? h('span', { class: 'customer' }, c.customerName) : null,
        h('span', { class: 'who' }, c.state === 'ringing' ? `呼叫：${who}` : `接听：${who}`),
        h('span', { class: 'meta' }, `${SOURCE_LABELS[c.source] ?? c.source} · ${time(c.startedAt)}`),
      );
    }),
  );
}

function figures(t: Snapshot['today']): HTMLElement {
  const item = (key: string, label: string, value: string) => h('div', { class: 'figure', 'data-figure': key }, h('b', {}, value), h('span', {}, label));
  return h(
    'div',
    { class: 'figures' },
    item('inbound', '来电', String(t.inbound)),
    item('answeredPercent', '接通率', orDash(t.answeredPercent, '%')),
    item('missed', '未接', String(t.missed)),
    item('voicemails', '留言', String(t.voicemails)),
    item('averageAnswerSeconds', '平均接听用时', orDash(t.averageAnswerSeconds, ' 秒')),
    item('serviceLevel20s', '20 秒内接听', orDash(t.serviceLevel20s, '%')),
    item('callbacksOpen', '待回电', String(t.callbacksOpen)),
  );
}

function progressList(rows: ProgressRow[], none: string, kind: string): HTMLElement {
  if (!rows.length) return empty(none);
  return h(
    'ul',
    { class: 'progress' },
    ...rows.map((r) => {
      const pct = r.total > 0 ? Math.min(100, Math.round((r.done / r.total) * 100)) : 0;
      return h(
        'li',
        { [`data-${kind}-id`]: r.id },
        h('div', { class: 'row' }, h('span', {}, r.name), h('span', { class: 'meta' }, `${r.done}/${r.total}`)),
        h('progress', { max: 100, value: pct, 'aria-label': `${r.name} ${pct}%` }),
      );
    }),
  );
}

export type ApprovalActions = {
  canDecide(kind: string): boolean;
  approve(a: Approval): void;
  reject(a: Approval, reason: string): void;
};

function approvalList(approvals: Approval[], actions: ApprovalActions): HTMLElement {
  if (!approvals.length) return empty('没有待审批的申请');
  return h(
    'ul',
    { class: 'approvals' },
    ...approvals.map((a) => {
      const reason = h('textarea', { class: 'reason', placeholder: '驳回原因（必填）', maxlength: 500, rows: 2 }) as HTMLTextAreaElement;
      const rejectBox = h('div', { class: 'reject-box', hidden: true }, reason, h('button', { class: 'danger confirm-reject', type: 'button', onclick: () => actions.reject(a, reason.value) }, '确认驳回'));
      const buttons = actions.canDecide(a.kind)
        ? h(
            'div',
            { class: 'buttons' },
            h('button', { class: 'primary approve', type: 'button', onclick: () => actions.approve(a) }, '批准'),
            h('button', { class: 'danger reject', type: 'button', onclick: () => rejectBox.toggleAttribute('hidden') }, '驳回'),
          )
        : h('p', { class: 'empty' }, '请在企业微信中审批');
      return h(
        'li',
        { 'data-approval': `${a.kind}:${a.id}` },
        h('div', { class: 'row' }, h('b', {}, a.title), h('span', { class: 'meta' }, time(a.submittedAt))),
        h('dl', {}, ...a.lines.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
        buttons,
        rejectBox,
      );
    }),
  );
}

/** The whole board for one snapshot. */
export function renderBoard(root: HTMLElement, s: Snapshot, actions: ApprovalActions): void {
  const names = new Map(s.staff.map((p) => [p.id, p.name]));
  // A snapshot may arrive while a manager types a rejection reason: keep the open box and its text.
  const drafts = new Map<string, { text: string; focused: boolean }>();
  for (const box of root.querySelectorAll<HTMLElement>('li[data-approval] .reject-box:not([hidden])')) {
    const area = box.querySelector('textarea')!;
    drafts.set(box.closest('li')!.dataset.approval!, { text: area.value, focused: document.activeElement === area });
  }
  root.replaceChildren(
    section('calls', '实时通话', s.calls.length, callList(s.calls, names)),
    section('staff', '销售状态', s.staff.length, staffList(s.staff)),
    section('today', '今日来电', null, figures(s.today)),
    section('call-tasks', '外呼任务', s.callTasks.length, progressList(s.callTasks, '没有进行中的外呼任务', 'task')),
    section('sms-batches', '短信批次', s.smsBatches.length, progressList(s.smsBatches, '没有进行中的短信批次', 'batch')),
    section('imports', '数据导入', s.imports.length, progressList(s.imports, '没有进行中的导入', 'import')),
    section('approvals', '待审批', s.approvals.length, approvalList(s.approvals, actions)),
    h('p', { class: 'updated' }, `更新于 ${time(s.at)}`),
  );
  for (const [key, draft] of drafts) {
    const li = [...root.querySelectorAll<HTMLElement>('li[data-approval]')].find((el) => el.dataset.approval === key);
    const box = li?.querySelector<HTMLElement>('.reject-box');
    if (!box) continue;
    box.hidden = false;
    const area = box.querySelector('textarea')!;
    area.value = draft.text;
    if (draft.focused) area.focus();
  }
}

/** The login form shown outside WeCom (or when the session ended). */
export function renderLogin(root: HTMLElement, message: string | null, inWecom: boolean, onToken: (token: string) => void): void {
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', placeholder: '粘贴员工令牌' }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'card login' },
    h('h2', {}, '登录'),
    h('p', {}, '在企业微信工作台打开本页将自动登录；在其他浏览器中请使用员工令牌。'),
    inWecom ? h('a', { class: 'wecom-login', href: '/board/login/wecom' }, '用企业微信登录') : null,
    input,
    h('button', { class: 'primary', type: 'submit' }, '登录'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) onToken(input.value.trim());
  });
  root.replaceChildren(form);
}
