import type { LiveCall } from '../calls/live-calls.js';

/**
 * What the live board shows, as its API and event stream send it: the one definition the server fills
 * (board.query.ts, board.service.ts) and the page reads (web/board imports these types; nothing else of the
 * server reaches the page's bundle, so this file holds types only).
 */

/** Today's inbound figures as a manager reads them (business day in the business time zone). */
export type TodayFigures = {
  inbound: number;
  answered: number;
  /** 0–100, one decimal; null before the first call. */
  answeredPercent: number | null;
  missed: number;
  voicemails: number;
  /** Seconds from the call reaching us to a staff member answering, over answered calls; null when none. */
  averageAnswerSeconds: number | null;
  /** Share of inbound calls answered within 20 s, 0–100; null before the first call. */
  serviceLevel20s: number | null;
  /** Call-back todos from the 400 line still open (any day). */
  callbacksOpen: number;
};

export type StaffRow = { id: number; name: string; role: string; status: string | null; statusLabel: string; location: string | null };
/** A staff member as the board lists them: status, and whether they are talking on a call now. */
export type BoardStaff = StaffRow & { onCall: boolean };
export type ProgressRow = { id: number; name: string; done: number; total: number };
export type BoardApproval = { kind: string; id: string; title: string; submittedAt: string; lines: Array<[string, string]> };

/** Running work with progress bars: the `progress` event carries these alone. */
export type BoardProgress = {
  smsBatches: ProgressRow[];
  callTasks: ProgressRow[];
  /** Imports queued or running (progress in percent, out of 100). */
  imports: ProgressRow[];
};

/** Everything the live board shows, at one moment (GET /api/board, the stream's `snapshot` event). */
export type BoardSnapshot = BoardProgress & {
  at: string;
  staff: BoardStaff[];
  calls: LiveCall[];
  today: TodayFigures;
  /** What the viewer may decide (empty for a viewer who approves nothing). */
  approvals: BoardApproval[];
};

export type { LiveCall };
