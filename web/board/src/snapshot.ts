/** What GET /api/board and the event stream send: the server's own types (types only: nothing of the server is bundled). */
export type { BoardApproval as Approval, BoardProgress as Progress, BoardSnapshot as Snapshot, BoardStaff as StaffRow, LiveCall, ProgressRow } from '../../../src/domain/board/board-snapshot.js';
