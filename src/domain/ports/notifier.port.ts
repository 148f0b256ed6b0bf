import type { ApprovableKind } from '../approvals/approvable.js';

/**
 * Pushes something a staff member must see to wherever they are (WeCom card, WeChat text, log).
 * Implementations never throw for delivery problems: they return `{ ok: false, reason }`.
 */
export interface Notifier {
  /** Sends one notification to one staff member; resolves when handed to the transport. */
  notifyStaff(staffId: number, notification: StaffNotification): Promise<NotifyResult>;
}

export type NotifyResult = { ok: true; transport: string } | { ok: false; reason: string };

export type CardButton = { key: string; text: string };

/** What a notification says, in the domain's words; each transport renders it (card, markdown or text). */
export type StaffNotification =
  | { kind: 'screen_pop'; callId: string; title: string; lines: Array<[label: string, value: string]>; urgency: 'high' | 'medium' | 'low'; buttons: CardButton[] }
  | { kind: 'voicemail'; voicemailId: string; title: string; summary: string; urgency: 'high' | 'medium' | 'low'; buttons: CardButton[] }
  | { kind: 'approval'; subjectType: ApprovableKind; subjectId: string; title: string; lines: Array<[label: string, value: string]>; buttons: CardButton[] }
  | { kind: 'todo'; todoId: number; title: string; dueAt: Date; lines: Array<[label: string, value: string]> }
  | { kind: 'text'; title: string; text: string };
