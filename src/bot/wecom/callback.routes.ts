import { Router } from '@koa/router';
import type { CallbackRequest, CallbackResponse } from './callback-handler.js';

/** GET/POST /wecom/callback on Koa: hands method, query and the raw body to the framework-free handler. */
export function wecomCallbackRouter(handle: (req: CallbackRequest) => Promise<CallbackResponse>, path = '/wecom/callback'): Router<any> {
  const router = new Router<any>();
  const serve = async (ctx: any) => {
    const res = await handle({ method: ctx.method, query: ctx.query, rawBody: ctx.request.rawBody });
    ctx.status = res.status;
    ctx.type = res.contentType;
    ctx.body = res.body;
  };
  router.get(path, serve);
  router.post(path, serve);
  return router;
}
