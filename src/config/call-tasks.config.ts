import { z } from 'zod';
import { normalizePhone } from '../domain/shared/phone.js';
import { defineSection } from './config-section.js';

/** Call tasks (seed 004): our caller ids, the dialler's pace per device and how long a callee may ring. */
export const callTasksSection = defineSection({
  shape: {
    /** Comma-separated numbers a task may show as caller id besides the gateway lines' own numbers. */
    CALL_TASK_CALLER_IDS: z.string().default(''),
    /** Originates per second per gateway device (a DAG1000 takes about 1). */
    CALL_TASK_CPS: z.coerce.number().min(0.1).max(50).default(1),
    /** How long a callee's phone rings before the attempt counts as no answer. */
    CALL_TASK_RING_SECONDS: z.coerce.number().int().min(10).max(120).default(30),
    /** How long an agent's phone rings before the callee hears the apology and the attempt is abandoned. */
    CALL_TASK_AGENT_SECONDS: z.coerce.number().int().min(5).max(60).default(15),
    /** How long a process's hold on a task lasts without its heartbeat: a dead dialler's task is taken over after this. */
    CALL_TASK_LEASE_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
    /** Robot mode claims a device's next attempt while its lines ring, so a freed line dials without the claim's transaction (dial-pump.ts). */
    CALL_TASK_CLAIM_AHEAD: z.enum(['true', 'false']).default('true'),
  },
  check(e) {
    return e.CALL_TASK_CALLER_IDS.split(',').map((s) => s.trim()).filter(Boolean).filter((n) => !normalizePhone(n)).map((n) => `CALL_TASK_CALLER_IDS: not a phone number: ${n}`);
  },
  build(e) {
    return {
      callerIds: e.CALL_TASK_CALLER_IDS.split(',').map((s) => normalizePhone(s.trim())?.e164).filter((n): n is string => Boolean(n)),
      cps: e.CALL_TASK_CPS,
      ringSeconds: e.CALL_TASK_RING_SECONDS,
      agentSeconds: e.CALL_TASK_AGENT_SECONDS,
      leaseSeconds: e.CALL_TASK_LEASE_SECONDS,
      claimAhead: e.CALL_TASK_CLAIM_AHEAD === 'true',
    };
  },
});
