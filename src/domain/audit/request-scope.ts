import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<{ requestId: string }>();

/**
 * The request an action belongs to, for its audit rows: a door runs each request's work inside
 * `withRequestId`, and every audit row written during it (by any service, however deep) carries the id
 * unless the entry names one itself. Work outside a request (jobs, the CLI) has none.
 */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return scope.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
