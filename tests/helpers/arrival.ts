import crypto from 'node:crypto';
import request from 'supertest';
import type { Deps } from '../../server/deps';
import { AppointmentsRepository, type AppointmentStatus } from '../../server/features/appointments/appointments.repository';
import { zonedInstant } from '../../server/lib/time';
import { cookiesOf, csrfFrom, sessionCookieOf } from './forms';
import { completeSecondStep, secondFactorContext } from './second-factor';

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
