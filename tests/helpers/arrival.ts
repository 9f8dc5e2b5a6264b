import crypto from 'node:crypto';
import request from 'supertest';
import type { Deps } from '../../server/deps';
import { AppointmentsRepository, type AppointmentStatus } from '../../server/features/appointments/appointments.repository';
import { zonedInstant } from '../../server/lib/time';
import type TestAgent from 'supertest/lib/agent';
import { KIOSK_COOKIE } from '../../server/http/kiosk';
import { cookiesOf, csrfFrom, sessionCookieOf } from './forms';
import { completeSecondStep, secondFactorContext } from './second-factor';

/** The Cookie header part a browser carries once a volunteer has made it the branch's kiosk (POST /check-in/setup). */
export function kioskCookie(branchId: number): string {
  return `${KIOSK_COOKIE}=${branchId}`;
}

/**
 * A supertest agent that is the branch's kiosk. The set-up itself (staff only, POST /check-in/setup) has its
 * own tests in arrival.routes.test.ts; tests of what a kiosk does start from the cookie it leaves.
 */
export function asKiosk(agent: TestAgent, branchId: number): TestAgent {
  agent.jar.setCookie(`${kioskCookie(branchId)}; Path=/`, '127.0.0.1', '/');
  return agent;
}

export interface TestBooking {
  branchId: number;
  date: string;
  time: string;
  code: string;
  name?: string;
  status?: AppointmentStatus;
}

/**
 * A booking straight in the database (the booking flow has its own tests): arrival only needs a row with
 * a code, a branch, a day and a time.
 */
export function addBooking(deps: Deps, b: TestBooking): number {
  const repo = new AppointmentsRepository(deps.db);
  const starts = zonedInstant(b.date, b.time)!;
  const id = repo.insert({
    branchId: b.branchId,
    startsAt: starts.toISOString(),
    endsAt: new Date(starts.getTime() + 30 * 60_000).toISOString(),
    localDate: b.date,
    localTime: b.time,
    topicKey: 'digid',
    code: b.code,
    tokenHash: crypto.randomBytes(32).toString('hex'),
    name: b.name ?? 'Jan Jansen',
    email: null,
    phone: null,
    needs: {},
    language: 'nl',
    channel: 'desk',
    bookedByUserId: null,
    capacityOverride: true,
    idempotencyKey: null,
    now: deps.clock.now().toISOString(),
  });
  if (b.status && b.status !== 'booked') deps.db.prepare('UPDATE appointments SET status = ? WHERE id = ?').run(b.status, id);
  return id;
}


/**
 * Signs in against a live server over real HTTP and returns the session cookie ("dichterbij.sid=…") to pass
 * to socket.io-client as an extra Cookie header, plus a CSRF token of the signed-in session.
 */
export async function signInLive(baseUrl: string, email: string, password = 'demo-demo-demo'): Promise<{ cookie: string; csrf: string }> {
  const page = await request(baseUrl).get('/login');
  const first = cookiesOf(page).join('; ');
  const res = await request(baseUrl).post('/login').set('Cookie', first).type('form').send({ _csrf: csrfFrom(page.text), email, password });
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`);
  let cookie = sessionCookieOf(res);
  if (!cookie) throw new Error('no session cookie after sign-in');
  if (res.headers.location === '/login/second-factor') cookie = await completeSecondStep(baseUrl, cookie, email, secondFactorContext(baseUrl));
  const desk = await request(baseUrl).get('/account/password').set('Cookie', cookie);
  return { cookie, csrf: csrfFrom(desk.text) };
}

/** A Chromium page that is the branch's kiosk, as a volunteer's set-up (POST /check-in/setup) leaves it. */
export async function becomeKiosk(page: { context(): { addCookies(cookies: { name: string; value: string; url: string }[]): Promise<void> } }, baseUrl: string, branchId: number): Promise<void> {
  await page.context().addCookies([{ name: KIOSK_COOKIE, value: String(branchId), url: baseUrl }]);
}
