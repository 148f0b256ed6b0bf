import { randomBytes } from 'node:crypto';
import type { StaffNotification } from '../../domain/ports/notifier.port.js';
import type { ButtonInteractionCard } from '../../gateways/wecom/wecom-client.js';
import { maskPhonesInText } from '../../logging/mask-phones.js';

/** Phone numbers in anything we render are masked, whatever the producer passed. */
const safe = (s: string) => maskPhonesInText(s);
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

const URGENCY: Record<string, string> = { high: '紧急', medium: '一般', low: '低' };
const SOURCE: Record<StaffNotification['kind'], string> = { screen_pop: '来电弹屏', voicemail: '语音留言', approval: '审批', todo: '待办提醒', text: '通知' };

/** Lines of a notification as label/value pairs (all kinds). */
function linesOf(n: StaffNotification): Array<[string, string]> {
  switch (n.kind) {
    case 'screen_pop':
      return [...n.lines, ['紧急程度', URGENCY[n.urgency] ?? n.urgency]];
    case 'voicemail':
      return [['摘要', n.summary], ['紧急程度', URGENCY[n.urgency] ?? n.urgency]];
    case 'approval':
    case 'todo':
      return n.lines;
    case 'text':
      return [];
  }
}

/** The buttons a notification carries; a todo reminder gets 完成. */
function buttonsOf(n: StaffNotification) {
  if (n.kind === 'todo') return [{ key: `done:todo:${n.todoId}`, text: '完成' }];
  if (n.kind === 'text') return [];
  return n.buttons;
}

/**
 * A button-interaction template card (WeCom limits: title 26 chars shown, horizontal keyname 5 chars,
 * value 26 chars, at most 6 rows and 6 buttons, task_id of letters/digits/_-@ up to 128).
 */
export function toTemplateCard(n: StaffNotification): ButtonInteractionCard | null {
  const buttons = buttonsOf(n);
  if (buttons.length === 0) return null;
  const subject = n.kind === 'approval' ? `${n.subjectType}-${n.subjectId}` : n.kind === 'screen_pop' ? n.callId : n.kind === 'voicemail' ? n.voicemailId : n.kind === 'todo' ? String(n.todoId) : 'x';
  const taskId = `${n.kind}-${subject}`.replace(/[^A-Za-z0-9_\-@]/g, '_').slice(0, 100) + `-${randomBytes(6).toString('hex')}`;
  return {
    card_type: 'button_interaction',
    source: { desc: SOURCE[n.kind] },
    main_title: { title: cut(safe(n.title), 36), ...(n.kind === 'voicemail' ? { desc: cut(safe(n.summary), 44) } : {}) },
    horizontal_content_list: linesOf(n).slice(0, 6).map(([k, v]) => ({ keyname: cut(safe(k), 5), value: cut(safe(v || '—'), 26) })),
    task_id: taskId,
    button_list: buttons.slice(0, 6).map((b, i) => ({ text: cut(b.text, 10), key: b.key, style: i === 0 ? 1 : 2 })),
  };
}

/** Plain text for transports without cards (WeChat via Wechaty, markdown fallback); buttons become commands. */
export function toPlainText(n: StaffNotification): string {
  const head = `【${SOURCE[n.kind]}】${n.title}`;
  const body = n.kind === 'text' ? n.text : linesOf(n).map(([k, v]) => `${k}：${v}`).join('\n');
  let hint = '';
  if (n.kind === 'approval') hint = `回复“批准 ${n.subjectId}”或“驳回 ${n.subjectId} <原因>”`;
  else if (n.kind === 'todo') hint = `完成后回复“完成 ${n.todoId}”`;
  return safe([head, body, hint].filter(Boolean).join('\n'));
}

/**
 * A card as plain lines for a terminal (the chat CLI): source and title, its label/value rows, then its
 * buttons with the key a click sends (`--click <key>`). Numbers masked like every rendering.
 */
export function toCardText(n: StaffNotification): { lines: string[]; buttons: Array<{ key: string; text: string }> } {
  const body = n.kind === 'text' ? n.text.split('\n') : linesOf(n).map(([k, v]) => `${k}：${v || '—'}`);
  return { lines: [`【${SOURCE[n.kind]}】${n.title}`, ...body].map(safe), buttons: buttonsOf(n) };
}
