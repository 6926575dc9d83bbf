import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the request being served, for code far from the controller (audit, logs). */
export interface RequestContext {
  reqId: string;
  /** The client address as Fastify sees it (X-Forwarded-For only from trusted proxies). */
  ip: string;
  clientId?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current request's context, or undefined outside a request (CLI, sweeper). */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Names the client a request acted for, so its log line carries `client_id`. */
export function setRequestClientId(clientId: string): void {
  const context = storage.getStore();
  if (context) context.clientId = clientId;
}
