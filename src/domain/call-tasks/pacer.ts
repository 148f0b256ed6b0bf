/** What the pacer knows at one instant. */
export type PacerInput = {
  /** Lines free on the task's devices right now (their line count minus calls in flight). */
  freeLines: number;
  /** Agent mode: the task's sales people free to take a call now; robot mode: null (no agent needed). */
  freeAgents: number | null;
  /** Answered / placed over the task's recent calls (0–1); 1 when nothing is known yet. */
  answerRate: number;
  /** Abandoned / answered over the task's day (0–1): answered callees no agent took. */
  abandonRate: number;
};

/** The carriers' and VICIdial's ceiling for abandoned calls over a day; a predictive ratio must stay under it. */
export const ABANDON_CAP = 0.03;

/**
 * How many calls to place now. Progressive: one call per free line, and in agent mode never more than the
 * free agents (so no answered callee waits for a person). A predictive ratio is a change of this function
 * only: e.g. `floor(freeAgents / answerRate)` while `abandonRate < ABANDON_CAP`, capped by the free lines.
 */
export function callsToPlace(input: PacerInput): number {
  const lines = Math.max(0, Math.floor(input.freeLines));
  if (input.freeAgents === null) return lines;
  return Math.min(lines, Math.max(0, Math.floor(input.freeAgents)));
}
