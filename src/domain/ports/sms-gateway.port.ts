/** One SMS request to the carrier: up to 200 numbers with the same template and parameters. */
export type SmsRequest = {
  /** Our id for this request; travels to the carrier (Tencent: SessionContext) and back on receipts. */
  requestId: string;
  phones: string[];
  templateId: string;
  params: string[];
  signName?: string;
};

/** Per-number outcome, in the domain's words. `unknown` means "may have been sent": never resend blindly. */
export type SmsOutcome =
  | { phone: string; status: 'sent'; serialNo: string; fee?: number }
  | { phone: string; status: 'failed'; code: string; message: string }
  | { phone: string; status: 'opted_out'; code: string }
  | { phone: string; status: 'deferred'; code: string; retryAfterMs?: number };

export type SmsSendResult =
  | { ok: true; outcomes: SmsOutcome[] }
  /** Nothing was accepted (bad credentials, throttled as a whole, carrier down). */
  | { ok: false; code: string; message: string; retryable: boolean }
  /** Timed out or connection dropped after sending: the carrier may have accepted it. */
  | { ok: false; code: 'OUTCOME_UNKNOWN'; message: string; retryable: false };

/** A delivery report from the carrier; `requestId` is ours when the carrier echoed it (SessionContext). */
export type SmsDeliveryReport = {
  serialNo: string;
  phone: string;
  status: 'delivered' | 'failed';
  receivedAt?: Date;
  description?: string;
  requestId?: string;
};

export type SmsStatusPullResult =
  | { ok: true; reports: SmsDeliveryReport[] }
  | { ok: false; code: string; message: string; retryable: boolean };

/** Sends SMS through a carrier. Never throws for carrier failures: they come back as values. */
export interface SmsGateway {
  readonly name: string;
  /**
   * True for a dry-run gateway: nothing leaves the process. Sends through it are marked dry-run in
   * sms_logs, contact history and API answers, and count only against dry-run frequency caps.
   */
  readonly dryRun?: boolean;
  send(request: SmsRequest): Promise<SmsSendResult>;
  /** Drains delivery reports the carrier queued since the last pull (each is returned once); settles `unknown` rows. Failures are values. */
  pullStatus?(options?: { limit?: number }): Promise<SmsStatusPullResult>;
}
