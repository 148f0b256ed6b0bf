/** What GET /api/board answers (src/domain/board/board.service.ts BoardSnapshot), as the page reads it. */
export type LiveCall = {
  uuid: string;
  source: string;
  state: 'ringing' | 'talking';
  /** Already masked by the server (138****8888). */
  caller: string;
  customerName: string | null;
  staffIds: number[];
  startedAt: string;
  answeredAt: string | null;
};

export type StaffRow = { id: number; name: string; role: string; status: string | null; statusLabel: string; location: string | null; onCall: boolean };
export type ProgressRow = { id: number; name: string; done: number; total: number };
export type Approval = { kind: string; id: string; title: string; submittedAt: string; lines: Array<[string, string]> };

export type Snapshot = {
  at: string;
  staff: StaffRow[];
  calls: LiveCall[];
  today: {
    inbound: number;
    answered: number;
    answeredPercent: number | null;
    missed: number;
    voicemails: number;
    averageAnswerSeconds: number | null;
    serviceLevel20s: number | null;
    callbacksOpen: number;
  };
  smsBatches: ProgressRow[];
  callTasks: ProgressRow[];
  imports: ProgressRow[];
  approvals: Approval[];
};
