import request from 'supertest';
import type { Db } from '../../server/db/open';
import { FakeClock, type Clock } from '../../server/lib/clock';
import { TOTP_PERIOD_SECONDS, totpCode, totpStep } from '../../server/features/second-factor/totp';
import { csrfFrom, sessionCookieOf } from './forms';

/**
 * The second factor in tests: fixture coordinators and admins are enrolled with this secret (createUser),
 * and the sign-in helpers answer the real second step with a code computed from the secret and the app's
 * clock — never by switching the factor off.
 */
export const TEST_TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
/** The demo accounts' secret (SPEC §5). */
export { DEMO_TOTP_SECRET } from '../../server/features/demo/demo.seed';

export interface SecondFactorContext {
  db: Db;
  clock: Clock;
}

/** Which database and clock answer for an app (supertest agents) or a live server's address. */
const contexts = new Map<unknown, SecondFactorContext>();

export function registerSecondFactorContext(key: unknown, context: SecondFactorContext): void {
  contexts.set(key, context);
}

export function secondFactorContext(key: unknown): SecondFactorContext {
  const context = contexts.get(key);
  if (!context) throw new Error('sign-in asked for a second factor, but this app or server was not made by tests/helpers (createTestApp / startLiveServer)');
  return context;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A code the app will accept now for `email`: each time step is accepted once, within ±1 step of now, so
 * this takes the earliest step after the last one used. When all three are used (a fourth sign-in of the
 * same person within 30 s), a fake clock moves on by a step; a real clock is waited for.
 */
export async function nextSecondFactorCode(context: SecondFactorContext, email: string): Promise<string> {
  const row = context.db
    .prepare('SELECT sf.secret, sf.last_used_step AS last FROM second_factors sf JOIN users u ON u.id = sf.user_id WHERE u.email = ? COLLATE NOCASE')
    .get(email) as { secret: string; last: number | null } | undefined;
  if (!row) throw new Error(`${email} has no second factor`);
  const now = totpStep(context.clock.now().getTime());
  const step = Math.max(now - 1, (row.last ?? -Infinity) + 1);
  if (step > now + 1) {
    const waitMs = (step - 1) * TOTP_PERIOD_SECONDS * 1000 - context.clock.now().getTime();
    if (context.clock instanceof FakeClock) context.clock.advance(waitMs);
    else await sleep(waitMs + 50);
  }
  return totpCode(row.secret, step * TOTP_PERIOD_SECONDS * 1000);
}

/**
 * The second step for tests that carry cookies by hand (supertest without an agent, a live server's URL):
 * returns `cookie` with the session cookie of the signed-in session in place of the pending one.
 */
export async function completeSecondStep(target: Parameters<typeof request>[0], cookie: string, email: string, context: SecondFactorContext): Promise<string> {
  const page = await request(target).get('/login/second-factor').set('Cookie', cookie);
  const code = await nextSecondFactorCode(context, email);
  const res = await request(target).post('/login/second-factor').set('Cookie', cookie).type('form').send({ _csrf: csrfFrom(page.text), code });
  const sid = sessionCookieOf(res);
  if (res.status !== 303 || !sid) throw new Error(`second step failed for ${email}: ${res.status}`);
  return [...cookie.split('; ').filter((c) => !c.startsWith(`${sid.split('=')[0]}=`)), sid].join('; ');
}
