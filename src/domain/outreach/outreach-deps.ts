import type { ComplianceSettings } from '../compliance/compliance.service.js';
import type { Clock } from '../ports/clock.port.js';
import type { JobQueue } from '../ports/job-queue.port.js';
import type { SmsGateway } from '../ports/sms-gateway.port.js';
import type { VoiceGateway } from '../ports/voice-gateway.port.js';

/** What outreach services need from outside the domain; main.ts builds it once. */
export type OutreachDeps = {
  sms: SmsGateway;
  voice: VoiceGateway;
  jobs: JobQueue;
  clock: Clock;
  compliance: ComplianceSettings;
  batch: { chunkSize: number; settleAfterMs: number };
};

/** Job names outreach enqueues (defined in src/jobs). */
export const OUTREACH_JOBS = {
  sendPending: 'sms.send-pending',
  batch: 'sms.batch',
  settle: 'sms.settle',
} as const;
