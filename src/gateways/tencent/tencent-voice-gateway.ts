import { Client } from 'tencentcloud-sdk-nodejs/tencentcloud/services/vms/v20200902/vms_client.js';
import type { SendTtsVoiceRequest, SendTtsVoiceResponse } from 'tencentcloud-sdk-nodejs/tencentcloud/services/vms/v20200902/vms_models.js';
import type { PlaceCallRequest, PlaceCallResult, VoiceGateway } from '../../domain/ports/voice-gateway.port.js';
import { classifyTencentError, httpProfile, withDeadline, type TencentFailure } from './tencent-api.js';

export type TencentVoiceOptions = {
  secretId: string;
  secretKey: string;
  voiceSdkAppId: string;
  /** An approved text-to-speech template whose only parameter is the script. */
  templateId: string;
  region: string;
  /** `http://127.0.0.1:PORT` for a local fake; defaults to vms.tencentcloudapi.com over HTTPS. */
  endpoint?: string;
  timeoutMs: number;
  /** How often the script is read to the callee: 1 to 3 (Tencent's default is 2). */
  playTimes: number;
};

type Failure = Extract<PlaceCallResult, { ok: false }>;

/**
 * Tencent Cloud voice messages (VMS 2020-09-02 SendTtsVoice): a text-to-speech notification call. The
 * answer only says the call was accepted; busy / no answer arrive later on Tencent's status callback.
 */
export function createTencentVoiceGateway(options: TencentVoiceOptions): VoiceGateway {
  const client = new Client({
    credential: { secretId: options.secretId, secretKey: options.secretKey },
    region: options.region,
    profile: { httpProfile: httpProfile(options.endpoint, options.timeoutMs) },
  });
  const playTimes = Math.min(3, Math.max(1, Math.round(options.playTimes)));

  return {
    name: 'tencent-voice',
    async placeCall(request: PlaceCallRequest): Promise<PlaceCallResult> {
      const body: SendTtsVoiceRequest = {
        TemplateId: options.templateId,
        CalledNumber: request.to,
        VoiceSdkAppid: options.voiceSdkAppId,
        TemplateParamSet: [request.script],
        PlayTimes: playTimes,
        SessionContext: request.callId,
      };
      const timeoutMs = request.timeoutMs ?? options.timeoutMs;
      const res = await withDeadline(timeoutMs, (signal) => client.request('SendTtsVoice', body, { signal }) as Promise<SendTtsVoiceResponse>);
      if (!res.ok) return toFailure(classifyTencentError(res.error, res.timedOut));
      const callId = res.value.SendStatus?.CallId;
      if (!callId) return { ok: false, code: 'OUTCOME_UNKNOWN', message: 'Tencent accepted the request but returned no CallId' };
      return { ok: true, carrierCallId: callId };
    },
  };
}

function toFailure(f: TencentFailure): Failure {
  switch (f.kind) {
    case 'unknown':
      return { ok: false, code: 'OUTCOME_UNKNOWN', message: f.message };
    case 'not-sent':
      return { ok: false, code: 'UNAVAILABLE', message: f.message };
    case 'http':
      return { ok: false, code: f.status >= 500 && f.status !== 503 ? 'OUTCOME_UNKNOWN' : 'UNAVAILABLE', message: `HTTP ${f.status}: ${f.message}` };
    case 'api':
      return { ok: false, code: voiceCode(f.code), message: `${f.code}: ${f.message}` };
  }
}

/**
 * The number is wrong → INVALID_NUMBER; Tencent refuses this call's content or pace → REJECTED; our
 * account, credentials or Tencent itself cannot place calls now → UNAVAILABLE; lost upstream → unknown.
 */
function voiceCode(code: string): Failure['code'] {
  if (code === 'InvalidParameterValue.CalledNumberVerifyFail' || code === 'InvalidParameterValue.IncorrectPhoneNumber') return 'INVALID_NUMBER';
  if (code === 'FailedOperation.AccessUpstreamTimeout' || code === 'InternalError.AccessUpstreamTimeout' || code === 'InternalError.SsoSendRecvFail') {
    return 'OUTCOME_UNKNOWN';
  }
  if (
    /^LimitExceeded\./.test(code) ||
    code === 'FailedOperation.ContainSensitiveWord' ||
    code === 'FailedOperation.TemplateIncorrectOrUnapproved' ||
    code === 'InvalidParameterValue.ContentLengthLimit' ||
    code === 'FailedOperation.PhoneNumberInBlacklist'
  ) {
    return 'REJECTED';
  }
  return 'UNAVAILABLE';
}
