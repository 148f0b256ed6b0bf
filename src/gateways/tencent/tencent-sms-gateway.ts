import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/sms/v20210111/sms_client.js';
import type {
  PullSmsSendStatusResponse,
  SendSmsRequest,
  SendSmsResponse,
  SendStatus,
} from 'tencentcloud-sdk-nodejs/tencentcloud/services/sms/v20210111/sms_models.js';
import type {
  SmsDeliveryReport,
  SmsGateway,
  SmsOutcome,
  SmsRequest,
  SmsSendResult,
  SmsStatusPullResult,
} from '../../domain/ports/sms-gateway.port.js';
import { classifyTencentError, httpProfile, msUntilChinaMidnight, withDeadline, type TencentFailure } from './tencent-api.js';

export type TencentSmsOptions = {
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region: string;
  /** `http://127.0.0.1:PORT` for a local fake; defaults to sms.tencentcloudapi.com over HTTPS. */
  endpoint?: string;
  timeoutMs: number;
  /** For retry-after hints of daily caps; defaults to the system clock. */
  now?: () => Date;
};

export type TencentSmsGateway = SmsGateway & { pullStatus: NonNullable<SmsGateway['pullStatus']> };

/** Tencent Cloud SMS (API 2021-01-11): SendSms for up to 200 numbers, PullSmsSendStatus for receipts. */
export function createTencentSmsGateway(options: TencentSmsOptions): TencentSmsGateway {
  const client = new Client({
    credential: { secretId: options.secretId, secretKey: options.secretKey },
    region: options.region,
    profile: { httpProfile: httpProfile(options.endpoint, options.timeoutMs) },
  });
  const now = options.now ?? (() => new Date());

  return {
    name: 'tencent-sms',

    async send(request: SmsRequest): Promise<SmsSendResult> {
      const body: SendSmsRequest = {
        PhoneNumberSet: request.phones,
        SmsSdkAppId: options.sdkAppId,
        TemplateId: request.templateId,
        SignName: request.signName ?? options.signName,
        TemplateParamSet: request.params,
        SessionContext: request.requestId,
      };
      const res = await withDeadline(options.timeoutMs, (signal) => client.request('SendSms', body, { signal }) as Promise<SendSmsResponse>);
      if (!res.ok) return requestFailure(classifyTencentError(res.error, res.timedOut));
      return { ok: true, outcomes: outcomesFor(request.phones, res.value.SendStatusSet ?? [], now()) };
    },

    async pullStatus(pull = {}): Promise<SmsStatusPullResult> {
      const limit = Math.min(100, Math.max(1, pull.limit ?? 100));
      const res = await withDeadline(
        options.timeoutMs,
        (signal) => client.request('PullSmsSendStatus', { Limit: limit, SmsSdkAppId: options.sdkAppId }, { signal }) as Promise<PullSmsSendStatusResponse>,
      );
      if (!res.ok) {
        // A pull sends nothing, so asking again is safe; reports in a lost answer are gone (Tencent hands
        // each out once), which is why receipts arrive by callback first and the pull only fills gaps.
        const failure = classifyTencentError(res.error, res.timedOut);
        const sent = requestFailure(failure);
        return { ok: false, code: sent.code, message: sent.message, retryable: sent.code === 'OUTCOME_UNKNOWN' || sent.retryable };
      }
      return { ok: true, reports: (res.value.PullSmsSendStatusSet ?? []).map(toReport) };
    },
  };
}

function toReport(s: NonNullable<PullSmsSendStatusResponse['PullSmsSendStatusSet']>[number]): SmsDeliveryReport {
  return {
    serialNo: s.SerialNo ?? '',
    phone: s.PhoneNumber || `+${s.CountryCode ?? '86'}${s.SubscriberNumber ?? ''}`,
    status: s.ReportStatus === 'SUCCESS' ? 'delivered' : 'failed',
    receivedAt: s.UserReceiveTime ? new Date(s.UserReceiveTime * 1000) : undefined,
    description: s.Description || undefined,
    requestId: s.SessionContext || undefined,
  };
}

/** Whole-request failures: nothing was sent, except `OUTCOME_UNKNOWN` where Tencent may have sent it. */
function requestFailure(f: TencentFailure): Extract<SmsSendResult, { ok: false }> {
  switch (f.kind) {
    case 'unknown':
      return { ok: false, code: 'OUTCOME_UNKNOWN', message: f.message, retryable: false };
    case 'not-sent':
      return { ok: false, code: 'UNAVAILABLE', message: f.message, retryable: true };
    case 'http':
      // A proxy error after the request went through may hide a send; only 429/503 say "not now".
      if (f.status === 429 || f.status === 503) return { ok: false, code: `HTTP_${f.status}`, message: f.message, retryable: true };
      if (f.status >= 500) return { ok: false, code: 'OUTCOME_UNKNOWN', message: `HTTP ${f.status}: ${f.message}`, retryable: false };
      return { ok: false, code: `HTTP_${f.status}`, message: f.message, retryable: false };
    case 'api':
      // Tencent's own "the send timed out inside" errors: the message may still go out.
      if (f.code === 'InternalError.Timeout' || f.code === 'InternalError.SendAndRecvFail') {
        return { ok: false, code: 'OUTCOME_UNKNOWN', message: `${f.code}: ${f.message}`, retryable: false };
      }
      return { ok: false, code: f.code, message: f.message, retryable: isRetryableRequestError(f.code) };
  }
}

/** Throttling and Tencent-side faults pass; credentials, parameters, templates and permissions do not. */
function isRetryableRequestError(code: string): boolean {
  if (code === 'LimitExceeded.PhoneNumberCountLimit') return false;
  return /^(RequestLimitExceeded|InternalError|LimitExceeded|ResourceUnavailable)(\.|$)/.test(code);
}

function outcomesFor(phones: string[], statuses: SendStatus[], at: Date): SmsOutcome[] {
  const byNumber = new Map<string, SendStatus[]>();
  for (const s of statuses) {
    const key = numberKey(s.PhoneNumber ?? '');
    byNumber.set(key, [...(byNumber.get(key) ?? []), s]);
  }
  return phones.map((phone) => {
    const status = byNumber.get(numberKey(phone))?.shift();
    if (!status) return { phone, status: 'failed', code: 'NO_STATUS', message: 'Tencent returned no status for this number' };
    return toOutcome(phone, status, at);
  });
}

function toOutcome(phone: string, s: SendStatus, at: Date): SmsOutcome {
  const code = s.Code ?? '';
  if (code === 'Ok') return { phone, status: 'sent', serialNo: s.SerialNo ?? '', fee: s.Fee };
  if (code === 'FailedOperation.PhoneNumberInBlacklist') return { phone, status: 'opted_out', code };
  if (code.startsWith('LimitExceeded.') && code !== 'LimitExceeded.AppCountryOrRegionInBlacklist' && code !== 'LimitExceeded.PhoneNumberCountLimit') {
    return { phone, status: 'deferred', code, retryAfterMs: retryAfter(code, at) };
  }
  return { phone, status: 'failed', code: code || 'UNKNOWN_CODE', message: s.Message ?? '' };
}

/** When a capped number may be tried again: the cap's window, or China's next midnight for daily caps. */
function retryAfter(code: string, at: Date): number | undefined {
  if (code === 'LimitExceeded.PhoneNumberThirtySecondLimit') return 30_000;
  if (code === 'LimitExceeded.PhoneNumberOneHourLimit') return 3_600_000;
  if (code === 'LimitExceeded.DeliveryFrequencyLimit') return 60_000;
  if (/DailyLimit$/.test(code)) return msUntilChinaMidnight(at);
  return undefined;
}

/** Tencent answers `+8618501234444` whatever spelling was sent (0086…, 86…, 11 digits). */
function numberKey(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^00/, '');
  return digits.length === 11 ? `86${digits}` : digits;
}
