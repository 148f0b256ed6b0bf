import type { WecomClient, WecomResult } from '../gateways/wecom/wecom-client.js';
import type { Metrics } from './metrics.js';

/** The WeCom client with every failed call counted in `salesops_wecom_api_errors_total` by errcode (or our transport code). */
export function measuredWecomClient(client: WecomClient, metrics: Metrics): WecomClient {
  const count = async <T extends WecomResult<any>>(result: Promise<T>): Promise<T> => {
    const r: T = await result;
    const failure = r as WecomResult;
    if (!failure.ok) metrics.wecomErrors.inc({ code: failure.errcode !== undefined ? String(failure.errcode) : failure.code });
    return r;
  };
  return {
    sendText: (toUser, content) => count(client.sendText(toUser, content)),
    sendMarkdown: (toUser, content) => count(client.sendMarkdown(toUser, content)),
    sendTemplateCard: (toUser, card) => count(client.sendTemplateCard(toUser, card)),
    userIdByCode: (code) => count(client.userIdByCode(code)),
    updateCardButton: (toUsers, responseCode, replaceName) => count(client.updateCardButton(toUsers, responseCode, replaceName)),
    get tokenFetches() {
      return client.tokenFetches;
    },
  };
}
