import crypto from 'node:crypto';
import type { Config } from '../../config';
import { readCookie } from '../../http/cookies';
import { cookieSignature, type CookieToSet } from '../auth/device-cookie';
import type { DeskPc } from './desk-pcs.repository';

/**
 * The mark of a registered desk PC: the desk PC's id, signed with a key of its own (see cookieSignature).
 * Long-lived and HttpOnly; it is sent on every path, because every request from a desk PC is audited as such.
 * The signature proves the id was handed out here; whether it still counts (not revoked) the database says.
 */
export const DESK_PC_COOKIE = 'dichterbij.deskpc';
/** About as long as browsers keep a cookie (400 days); registering the PC again renews it. */
const MAX_AGE_MS = 400 * 24 * 3600_000;
const VALUE = /^([1-9]\d{0,15})\.([A-Za-z0-9_-]{43})$/;

function sign(config: Config, id: number): string {
  return cookieSignature(config.sessionSecret, 'desk-pc-cookie', String(id));
}

/** The desk PC id this browser carries, when its cookie is well-formed and signed here; else null. */
export function deskPcIdFromCookie(cookieHeader: string | undefined, config: Config): number | null {
  const match = VALUE.exec(readCookie(cookieHeader, DESK_PC_COOKIE) ?? '');
  if (!match) return null;
  const id = Number(match[1]);
  const expected = sign(config, id);
  return crypto.timingSafeEqual(Buffer.from(match[2]), Buffer.from(expected)) ? id : null;
}

export function deskPcCookie(config: Config, id: number): CookieToSet {
  return {
    name: DESK_PC_COOKIE,
    value: `${id}.${sign(config, id)}`,
    options: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: MAX_AGE_MS, path: '/' },
  };
}

/**
 * The registered, unrevoked desk PC a request comes from: its cookie signed here, and not revoked. The one
 * check for HTTP requests (deskPcContext) and socket handshakes (server/realtime/attach.ts) alike.
 */
export function recogniseDeskPc(
  deps: { config: Config; deskPcs: { recognise(id: number | null): DeskPc | null } },
  cookieHeader: string | undefined,
): DeskPc | null {
  return deps.deskPcs.recognise(deskPcIdFromCookie(cookieHeader, deps.config));
}
