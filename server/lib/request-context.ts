import { AsyncLocalStorage } from 'node:async_hooks';

/** What is known about the request being served beyond the signed-in person (who is on the Actor). */
export interface RequestFacts {
  /** The registered desk PC the request came from (server/features/desk-pcs), else null. */
  deskPcId: number | null;
}

/**
 * Facts about the current request that every audit row records, without each route and service passing
 * them on: one middleware sets them (app.ts), the audit service reads them. Built in deps.ts, not a module
 * singleton, so each test app has its own.
 */
export class RequestContext {
  private readonly storage = new AsyncLocalStorage<RequestFacts>();

  run<T>(facts: RequestFacts, fn: () => T): T {
    return this.storage.run(facts, fn);
  }

  current(): RequestFacts | null {
    return this.storage.getStore() ?? null;
  }
}
