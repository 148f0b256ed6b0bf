import type { Router } from '@koa/router';
import type * as PUPPET from 'wechaty-puppet';
import type { Orm } from '../db/orm.js';
import type { ApprovalService } from '../domain/approvals/approval.service.js';
import type { PermissionService } from '../domain/auth/permission.service.js';
import type { CallTaskDeps } from '../domain/call-tasks/call-task-deps.js';
import type { Notifier } from '../domain/ports/notifier.port.js';
import { createWecomClient, type WecomClient } from '../gateways/wecom/wecom-client.js';
import type { Metrics } from '../metrics/metrics.js';
import { measuredWecomClient } from '../metrics/wecom-metrics.js';
import type { Logger } from '../logging/logger.js';
import { createCommandRouter, type CommandRouter } from './commands/router.js';
import { createChatNotifier } from './notifier/chat-notifier.js';
import { createBackgroundQueue, type BackgroundQueue } from './wecom/background-queue.js';
import { createCallbackHandler, type CallbackHandler } from './wecom/callback-handler.js';
import { wecomCallbackOffRouter, wecomCallbackRouter } from './wecom/callback.routes.js';
import { createSqlReceiptStore, type ReceiptStore } from './wecom/receipt-store.js';
import { createWecomInbound } from './wecom/wecom-inbound.js';
import { createWechaty, type WechatyTransport } from './wechaty/wechaty-transport.js';

export type ChatOpsConfig = {
  wecom?: { corpId: string; agentId: number; secret: string; token: string; encodingAesKey: string; apiBase: string; sendsPerMemberPerMinute: number; inboxLeaseMs?: number };
  wechaty?: { puppet: string; token?: string };
  timeZone: string;
};

export type ChatOpsDeps = {
  orm: Orm;
  logger: Logger;
  permissions: PermissionService;
  approvals: ApprovalService;
  /** The notifier used when a staff member has no chat identity, and when no chat door is configured. */
  fallbackNotifier: Notifier;
  /** The call-task service's deps (`外呼` runs the same service as the API); undefined: CALL_TASKS_UNAVAILABLE. */
  callTasks?: CallTaskDeps;
  /** Tests pass a wechaty-puppet-mock instance here instead of a package name. */
  wechatyPuppet?: PUPPET.impls.PuppetInterface;
  /** Tests pin the callback clock to WeCom's sample vectors. */
  now?: () => number;
  /** WeCom API errors are counted here by code. */
  metrics?: Metrics;
};

export type ChatOps = {
  router: CommandRouter;
  notifier: Notifier;
  /** Public HTTP routes (the WeCom callback) for the HTTP app. */
  publicRouters: Router<any>[];
  handleCallback?: CallbackHandler;
  wecomClient?: WecomClient;
  wechaty?: WechatyTransport;
  /** The WeCom callback's de-dup store and inbox (its expired entries are swept by a scheduled job). */
  receipts?: ReceiptStore;
  /** Starts Wechaty (logs in through its puppet) and processes WeCom messages acknowledged before a crash. */
  start(): Promise<void>;
  /** Finishes acknowledged callbacks, stops Wechaty. */
  stop(): Promise<void>;
};

/**
 * The chat doors, built without I/O: one command router; the WeCom callback and server API when
 * WECOM_* is configured; Wechaty when WECHATY_PUPPET is; and the Notifier over whichever of them run
 * (the fallback otherwise). start() logs Wechaty in.
 */
export function buildChatOps(config: ChatOpsConfig, deps: ChatOpsDeps): ChatOps {
  const log = deps.logger.child({ component: 'bot' });
  const router = createCommandRouter(deps.orm, {
    approvals: deps.approvals,
    permissions: deps.permissions,
    callTasks: deps.callTasks,
    timeZone: config.timeZone,
    log,
  });

  let wecomClient: WecomClient | undefined;
  let handleCallback: ChatOps['handleCallback'];
  let queue: BackgroundQueue | undefined;
  let receipts: ReceiptStore | undefined;
  const publicRouters: Router<any>[] = [];
  if (config.wecom) {
    const w = config.wecom;
    wecomClient = createWecomClient({ baseUrl: w.apiBase, corpId: w.corpId, secret: w.secret, agentId: w.agentId, sendsPerMemberPerMinute: w.sendsPerMemberPerMinute });
    if (deps.metrics) wecomClient = measuredWecomClient(wecomClient, deps.metrics);
    receipts = createSqlReceiptStore(deps.orm);
    queue = createBackgroundQueue({ concurrency: 16, capacity: 20_000, log });
    handleCallback = createCallbackHandler({
      token: w.token,
      encodingAesKey: w.encodingAesKey,
      corpId: w.corpId,
      receipts,
      queue,
      process: createWecomInbound({ router, client: wecomClient, log }),
      log: log.child({ door: 'wecom-callback' }),
      now: deps.now,
      leaseMs: w.inboxLeaseMs,
    });
    publicRouters.push(wecomCallbackRouter(handleCallback));
    log.info({ corpId: w.corpId, agentId: w.agentId, apiBase: w.apiBase }, 'wecom door on: /wecom/callback');
  } else {
    publicRouters.push(wecomCallbackOffRouter());
    log.info('wecom door off: set WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_ENCODING_AES_KEY to enable it');
  }

  let wechaty: WechatyTransport | undefined;
  if (config.wechaty) {
    wechaty = createWechaty({ puppet: deps.wechatyPuppet ?? config.wechaty.puppet, token: config.wechaty.token, router, log });
  } else {
    log.info('wechaty door off: set WECHATY_PUPPET (and WECHATY_PUPPET_TOKEN) to enable it');
  }

  const notifier =
    wecomClient || wechaty
      ? createChatNotifier({ orm: deps.orm, log, wecom: wecomClient, wechat: wechaty, fallback: deps.fallbackNotifier })
      : deps.fallbackNotifier;

  return {
    router,
    notifier,
    publicRouters,
    handleCallback,
    wecomClient,
    wechaty,
    receipts,
    async start() {
      await handleCallback?.recover();
      await wechaty?.start();
    },
    async stop() {
      await queue?.drain();
      await wechaty?.stop();
    },
  };
}
