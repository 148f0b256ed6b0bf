import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A per-number answer for SendSms (and the whole answer for SendTtsVoice to that number). */
export type PhoneProgram = {
  /** Tencent's per-number Code, e.g. `LimitExceeded.PhoneNumberDailyLimit`; `Ok` sends. */
  code: string;
  message?: string;
  fee?: number;
  /** The delivery report queued for PullSmsSendStatus when the number was sent. */
  report?: 'SUCCESS' | 'FAIL';
  /** Applies to this many sends of the number, then the default (Ok) again. */
  times?: number;
};

/** A behaviour for the next matching request(s). */
export type RequestProgram = {
  /** Only requests with this X-TC-Action; any action when unset. */
  action?: string;
  /** Answer with `{ Response: { Error } }`: refused as a whole, nothing sent, not logged. */
  error?: { code: string; message?: string };
  /** Answer with this HTTP status and no JSON (a proxy in between). Not logged. */
  httpStatus?: number;
  /** Process (log, send) and answer this late: a client with a shorter timeout loses the answer. */
  delayMs?: number;
  /** Process (log, send), then close the connection without answering. */
  drop?: boolean;
  /**
   * Process (log, send), then answer only once this settles: the request stays in flight for as long
   * as the test wants (see `gate()` in wait-for.ts), instead of for a delay the test must race.
   */
  hold?: Promise<unknown>;
  /** How many matching requests this program applies to (default 1; `Infinity` for all from now on). A
   * program with no behaviour lets its requests through untouched, so a later one starts at the n-th. */
  times?: number;
};

export type LoggedRequest = {
  seq: number;
  at: string;
  action: string;
  /** Tencent's RequestId of the answer. */
  requestId: string;
  sessionContext?: string;
  phones: string[];
  templateId?: string;
  params?: string[];
  signName?: string;
  sdkAppId?: string;
  /** SendSms: what each number got. */
  outcomes?: Array<{ phone: string; code: string; serialNo: string }>;
  /** SendTtsVoice: the CallId answered. */
  callId?: string;
};

export type RejectedRequest = { action: string; code: string; message: string };

export type FakeTencentOptions = {
  secretId?: string;
  secretKey?: string;
  /** When set, SendSms / PullSmsSendStatus with another SmsSdkAppId are refused. */
  smsSdkAppId?: string;
  /** When set, SendTtsVoice with another VoiceSdkAppid is refused. */
  voiceSdkAppId?: string;
  /** Append every accepted request as one JSON line (written before the answer goes out). */
  logFile?: string;
  /** Keep accepted requests in `requests` (turn off for very large benchmarks). Default true. */
  memoryLog?: boolean;
  /** Tencent refuses timestamps more than five minutes off. */
  maxClockSkewSeconds?: number;
  /** Delay applied to every SendSms / SendTtsVoice answer (after processing). */
  defaultDelayMs?: number;
};

const ACTIONS: Record<string, { product: string; version: string }> = {
  SendSms: { product: 'sms', version: '2021-01-11' },
  PullSmsSendStatus: { product: 'sms', version: '2021-01-11' },
  SendTtsVoice: { product: 'vms', version: '2020-09-02' },
};

type Answer = { status: number; body: unknown; delayMs?: number; drop?: boolean; hold?: Promise<unknown> };
class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * A local Tencent Cloud API 3.0 endpoint for SMS (2021-01-11) and voice messages (2020-09-02) that checks
 * each request's TC3-HMAC-SHA256 signature the way Tencent does and answers in Tencent's shapes.
 *
 * The credential scope is checked against the Host the client addressed: its first label is the service
 * and the port is not part of the signed host. That is what the Node SDK does for a custom endpoint
 * (`127.0.0.1:PORT` signs as service `127`, host `127.0.0.1`) and what Tencent does for `sms.tencentcloudapi.com`.
 */
export class FakeTencentCloud {
  readonly secretId: string;
  readonly secretKey: string;
  readonly requests: LoggedRequest[] = [];
  readonly rejected: RejectedRequest[] = [];
  /** Reports PullSmsSendStatus hands out, each once (Tencent's pull is a queue). */
  readonly reportQueue: Array<Record<string, unknown>> = [];
  #phones = new Map<string, PhoneProgram>();
  #programs: RequestProgram[] = [];
  #seq = 0;
  #serial = 0;
  #server: Server | undefined;
  #options: FakeTencentOptions;

  constructor(options: FakeTencentOptions = {}) {
    this.#options = options;
    this.secretId = options.secretId ?? 'AKIDfakeTencentCloudSecretId0001';
    this.secretKey = options.secretKey ?? 'fakeTencentCloudSecretKey0000001';
  }

  /** `http://127.0.0.1:PORT`, for TENCENT_API_ENDPOINT / the adapters' `endpoint`. */
  get endpoint(): string {
    const { port } = this.#server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<this> {
    this.#server = createServer((req, res) => void this.#serve(req, res).catch(() => res.destroy()));
    // Longer than any client's idle keep-alive, so a reused socket is never closed under a request
    // (which would look like a dropped answer, i.e. OUTCOME_UNKNOWN, for a request never processed).
    this.#server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(port, host, resolve);
    });
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Programs what one number gets (normalised: `13800138000`, `+8613800138000` are the same number). */
  setPhone(phone: string, program: PhoneProgram): this {
    this.#phones.set(normalize(phone) ?? phone, { ...program });
    return this;
  }

  /** Queues a behaviour for the next matching request(s): whole-request error, HTTP status, delay, drop. */
  program(program: RequestProgram): this {
    this.#programs.push({ ...program, times: program.times ?? 1 });
    return this;
  }

  /** Forgets programs, logs and queued reports (not the log file). */
  reset(): void {
    this.#phones.clear();
    this.#programs = [];
    this.requests.length = 0;
    this.rejected.length = 0;
    this.reportQueue.length = 0;
  }

  /** Every number Tencent would have sent an SMS to (Code Ok), once per send: duplicates show up twice. */
  sentPhones(): string[] {
    return sentPhonesOf(this.requests);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let answer: Answer;
    try {
      answer = req.url?.startsWith('/__fake/') ? this.#control(req, raw) : this.#api(req, raw);
    } catch (err) {
      answer = { status: 500, body: `fake-tencent-cloud: ${(err as Error).message}` };
    }
    const send = () => {
      if (res.destroyed) return;
      if (answer.drop) {
        req.socket.destroy();
        return;
      }
      const json = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      res.writeHead(answer.status, { 'content-type': answer.status === 200 ? 'application/json' : 'text/plain' });
      res.end(json);
    };
    if (answer.hold) void answer.hold.then(send);
    else if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  }

  #api(req: IncomingMessage, raw: Buffer): Answer {
    const requestId = randomUUID();
    const action = header(req, 'x-tc-action');
    try {
      if (req.method !== 'POST' || (req.url ?? '/').split('?')[0] !== '/') throw new ApiError('InvalidParameter', 'this fake accepts POST / only');
      this.#verifySignature(req, raw);
      const spec = ACTIONS[action];
      if (!spec) throw new ApiError('InvalidAction', `The action ${action || '(none)'} is not found.`);
      if (header(req, 'x-tc-version') !== spec.version) throw new ApiError('NoSuchVersion', `The API version ${header(req, 'x-tc-version')} of ${action} does not exist.`);
      const service = serviceOf(req);
      if ((service === 'sms' || service === 'vms') && service !== spec.product) throw new ApiError('InvalidAction', `${action} is not an action of ${service}`);
      if (!header(req, 'x-tc-region')) throw new ApiError('MissingParameter', 'The request is missing a required parameter `Region`.');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new ApiError('FailedOperation.JsonParseFail', 'the body is not JSON');
      }
      const program = this.#takeProgram(action);
      if (program?.error) throw new ApiError(program.error.code, program.error.message ?? program.error.code);
      if (program?.httpStatus) return { status: program.httpStatus, body: 'Bad Gateway' };
      const response = this.#handle(action, body, requestId);
      const delayMs = program?.delayMs ?? (action === 'PullSmsSendStatus' ? 0 : this.#options.defaultDelayMs);
      return { status: 200, body: { Response: { ...response, RequestId: requestId } }, delayMs, drop: program?.drop, hold: program?.hold };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.rejected.push({ action, code: err.code, message: err.message });
      return { status: 200, body: { Response: { Error: { Code: err.code, Message: err.message }, RequestId: requestId } } };
    }
  }

  #verifySignature(req: IncomingMessage, raw: Buffer): void {
    const auth = header(req, 'authorization');
    const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization header is not a TC3-HMAC-SHA256 authorization.');
    const [, secretId, date, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
    if (secretId !== this.secretId) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
    const timestamp = Number(header(req, 'x-tc-timestamp'));
    const skew = this.#options.maxClockSkewSeconds ?? 300;
    if (!Number.isInteger(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > skew) {
      throw new ApiError('AuthFailure.SignatureExpire', 'Signature expired. Timestamp and server time cannot differ by more than five minutes.');
    }
    const fail = (why: string) => new ApiError('AuthFailure.SignatureFailure', `The provided credentials could not be validated (${why}).`);
    if (date !== new Date(timestamp * 1000).toISOString().slice(0, 10)) throw fail('credential date does not match X-TC-Timestamp');
    if (service !== serviceOf(req)) throw fail(`credential scope service ${service} does not match host ${hostOf(req)}`);
    const names = signedHeaders.split(';');
    if (!names.includes('content-type') || !names.includes('host')) throw fail('content-type and host must be signed');
    const canonicalHeaders = names.map((n) => `${n}:${(n === 'host' ? hostOf(req) : header(req, n)).trim().toLowerCase()}\n`).join('');
    const [path, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    const canonicalRequest = ['POST', path, query, canonicalHeaders, signedHeaders, sha256hex(raw)].join('\n');
    const stringToSign = ['TC3-HMAC-SHA256', String(timestamp), `${date}/${service}/tc3_request`, sha256hex(canonicalRequest)].join('\n');
    const kDate = hmac(`TC3${this.secretKey}`, date);
    const kSigning = hmac(hmac(kDate, service), 'tc3_request');
    const expected = Buffer.from(hmac(kSigning, stringToSign).toString('hex'));
    if (!timingSafeEqual(expected, Buffer.from(signature))) throw fail('signature mismatch');
  }

  #takeProgram(action: string): RequestProgram | undefined {
    const i = this.#programs.findIndex((p) => !p.action || p.action === action);
    if (i === -1) return undefined;
    const program = this.#programs[i]!;
    program.times = (program.times ?? 1) - 1;
    if (program.times <= 0) this.#programs.splice(i, 1);
    return program;
  }

  #handle(action: string, body: Record<string, unknown>, requestId: string): Record<string, unknown> {
    if (action === 'SendSms') return this.#sendSms(body, requestId);
    if (action === 'PullSmsSendStatus') return this.#pull(body);
    return this.#sendTts(body, requestId);
  }

  #sendSms(body: Record<string, unknown>, requestId: string): Record<string, unknown> {
    const phones = body.PhoneNumberSet;
    if (!Array.isArray(phones) || phones.length === 0) throw new ApiError('MissingParameter.EmptyPhoneNumberSet', 'PhoneNumberSet is empty.');
    if (phones.length > 200) throw new ApiError('LimitExceeded.PhoneNumberCountLimit', 'More than 200 numbers in one request.');
    const sdkAppId = requireString(body, 'SmsSdkAppId');
    if (this.#options.smsSdkAppId && sdkAppId !== this.#options.smsSdkAppId) {
      throw new ApiError('UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId verification failed.');
    }
    const templateId = requireString(body, 'TemplateId');
    const sessionContext = optionalString(body, 'SessionContext');
    if (sessionContext !== undefined && Buffer.byteLength(sessionContext) >= 512) {
      throw new ApiError('InvalidParameterValue', 'SessionContext must be shorter than 512 bytes.');
    }
    const params = Array.isArray(body.TemplateParamSet) ? body.TemplateParamSet.map(String) : [];
    const set = phones.map((given) => this.#sendOne(String(given), sessionContext));
    this.#log({
      action: 'SendSms',
      requestId,
      sessionContext,
      phones: phones.map(String),
      templateId,
      params,
      signName: optionalString(body, 'SignName'),
      sdkAppId,
      outcomes: set.map((s) => ({ phone: s.PhoneNumber, code: s.Code, serialNo: s.SerialNo })),
    });
    return { SendStatusSet: set };
  }

  #sendOne(given: string, sessionContext: string | undefined) {
    const e164 = normalize(given);
    const program = e164 ? this.#usePhone(e164) : undefined;
    const code = e164 ? (program?.code ?? 'Ok') : 'InvalidParameterValue.IncorrectPhoneNumber';
    const sent = code === 'Ok';
    const serialNo = sent ? `2433:${(++this.#serial).toString(16).padStart(20, '0')}` : '';
    if (sent) {
      const ok = (program?.report ?? 'SUCCESS') === 'SUCCESS';
      this.reportQueue.push({
        UserReceiveTime: Math.floor(Date.now() / 1000),
        CountryCode: '86',
        SubscriberNumber: e164!.slice(3),
        PhoneNumber: e164,
        SerialNo: serialNo,
        ReportStatus: ok ? 'SUCCESS' : 'FAIL',
        Description: ok ? '用户短信送达成功' : '用户短信接收失败',
        SessionContext: sessionContext ?? '',
      });
    }
    return {
      SerialNo: serialNo,
      PhoneNumber: e164 ?? given,
      Fee: sent ? (program?.fee ?? 1) : 0,
      SessionContext: sessionContext ?? '',
      Code: code,
      Message: sent ? 'send success' : (program?.message ?? messageFor(code)),
      IsoCode: e164 ? 'CN' : 'DEF',
    };
  }

  #pull(body: Record<string, unknown>): Record<string, unknown> {
    const limit = body.Limit;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      throw new ApiError('InvalidParameterValue', 'Limit must be an integer from 1 to 100.');
    }
    const sdkAppId = requireString(body, 'SmsSdkAppId');
    if (this.#options.smsSdkAppId && sdkAppId !== this.#options.smsSdkAppId) {
      throw new ApiError('UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'SmsSdkAppId verification failed.');
    }
    return { PullSmsSendStatusSet: this.reportQueue.splice(0, limit) };
  }

  #sendTts(body: Record<string, unknown>, requestId: string): Record<string, unknown> {
    const templateId = requireString(body, 'TemplateId');
    const called = requireString(body, 'CalledNumber');
    const sdkAppId = requireString(body, 'VoiceSdkAppid');
    if (this.#options.voiceSdkAppId && sdkAppId !== this.#options.voiceSdkAppId) {
      throw new ApiError('UnauthorizedOperation.VoiceSdkAppidVerifyFail', 'VoiceSdkAppid verification failed.');
    }
    const playTimes = body.PlayTimes;
    if (playTimes !== undefined && (typeof playTimes !== 'number' || playTimes < 1 || playTimes > 3)) {
      throw new ApiError('InvalidParameterValue', 'PlayTimes must be 1, 2 or 3.');
    }
    const params = Array.isArray(body.TemplateParamSet) ? body.TemplateParamSet.map(String) : [];
    if (params.join('').length > 350) throw new ApiError('InvalidParameterValue.ContentLengthLimit', 'The voice content exceeds 350 characters.');
    const e164 = /^\+861[3-9]\d{9}$/.test(called) ? called : undefined;
    if (!e164) throw new ApiError('InvalidParameterValue.CalledNumberVerifyFail', 'CalledNumber verification failed.');
    const program = this.#usePhone(e164);
    if (program && program.code !== 'Ok') throw new ApiError(program.code, program.message ?? messageFor(program.code));
    const sessionContext = optionalString(body, 'SessionContext');
    const callId = randomUUID();
    this.#log({ action: 'SendTtsVoice', requestId, sessionContext, phones: [e164], templateId, params, sdkAppId, callId });
    return { SendStatus: { CallId: callId, SessionContext: sessionContext ?? '' } };
  }

  #usePhone(e164: string): PhoneProgram | undefined {
    const program = this.#phones.get(e164);
    if (!program) return undefined;
    if (program.times !== undefined && --program.times <= 0) this.#phones.delete(e164);
    return program;
  }

  #log(entry: Omit<LoggedRequest, 'seq' | 'at'>): void {
    const logged: LoggedRequest = { seq: ++this.#seq, at: new Date().toISOString(), ...entry };
    if (this.#options.memoryLog !== false) this.requests.push(logged);
    // Synchronous on purpose: the line exists before the client can see the answer.
    if (this.#options.logFile) appendFileSync(this.#options.logFile, `${JSON.stringify(logged)}\n`);
  }

  #control(req: IncomingMessage, raw: Buffer): Answer {
    const path = (req.url ?? '').split('?')[0];
    const json = () => (raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : {});
    if (req.method === 'GET' && path === '/__fake/requests') return { status: 200, body: this.requests };
    if (req.method === 'POST' && path === '/__fake/program') {
      this.program(json() as RequestProgram);
      return { status: 200, body: { ok: true } };
    }
    if (req.method === 'POST' && path === '/__fake/phones') {
      for (const [phone, program] of Object.entries(json() as Record<string, PhoneProgram>)) this.setPhone(phone, program);
      return { status: 200, body: { ok: true } };
    }
    if (req.method === 'POST' && path === '/__fake/reset') {
      this.reset();
      return { status: 200, body: { ok: true } };
    }
    return { status: 404, body: `no control route ${req.method} ${path}` };
  }
}

/** Reads a log file written by a FakeTencentCloud (one JSON object per line). */
export function readFakeTencentLog(file: string): LoggedRequest[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoggedRequest);
}

/** Numbers that got Code Ok across logged SendSms requests, once per send. */
export function sentPhonesOf(requests: LoggedRequest[]): string[] {
  return requests.flatMap((r) => (r.outcomes ?? []).filter((o) => o.code === 'Ok').map((o) => o.phone));
}

function messageFor(code: string): string {
  const known: Record<string, string> = {
    'FailedOperation.PhoneNumberInBlacklist': 'the number is in the do-not-disturb list',
    'InvalidParameterValue.IncorrectPhoneNumber': 'incorrect phone number',
    'LimitExceeded.PhoneNumberThirtySecondLimit': 'the number exceeded its 30-second limit',
    'LimitExceeded.PhoneNumberOneHourLimit': 'the number exceeded its hourly limit',
    'LimitExceeded.PhoneNumberDailyLimit': 'the number exceeded its daily limit',
  };
  return known[code] ?? code;
}

/** Tencent accepts +86…, 0086…, 86… or 11 digits for mainland numbers and answers in E.164. */
function normalize(phone: string): string | undefined {
  const m = /^(?:\+86|0086|86)?(1[3-9]\d{9})$/.exec(phone.trim());
  return m ? `+86${m[1]}` : undefined;
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/** The Host the client addressed, without the port (what the SDK signs). */
function hostOf(req: IncomingMessage): string {
  return header(req, 'host').replace(/:\d+$/, '').toLowerCase();
}

function serviceOf(req: IncomingMessage): string {
  return hostOf(req).split('.')[0] ?? '';
}

function requireString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new ApiError('MissingParameter', `The request is missing a required parameter \`${key}\`.`);
  return v;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  return typeof v === 'string' ? v : undefined;
}

function sha256hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
