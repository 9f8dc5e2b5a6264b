import type { RequestHandler } from 'express';
import type { Config } from '../config';
import { readCookie } from './cookies';
import { parseId } from './auth';

/** Set on a browser that was set up as a branch's kiosk (/check-in?branch=ID); holds the branch id. */
export const KIOSK_COOKIE = 'kiosk_branch';
/** The kiosk's own language: every reset goes back to it, so a language the last visitor chose does not stay. */
export const KIOSK_LANG = 'nl';
/** Where a reset goes: the language switch (a local `back` path) sets the cookie and then shows the start page. */
export const KIOSK_START = `/language/${KIOSK_LANG}?back=/check-in`;

/** What the layout needs to show the countdown (views/partials/kiosk-reset.ejs) and load kiosk.js. */
export interface KioskReset {
  seconds: number;
  url: string;
}

/** A browser that was set up as a library kiosk (/check-in?branch=ID) carries the kiosk cookie. */
export function isKiosk(cookieHeader: string | undefined): boolean {
  return parseId(readCookie(cookieHeader, KIOSK_COOKIE)) !== null;
}

/**
 * Public pages a citizen may type personal data into (the booking steps) return to the kiosk's start page after
 * `config.kioskIdleSeconds` without input, but only on a kiosk: at home nobody else walks up to the screen, so
 * nothing changes there, and a signed-in staff member is not a citizen at a kiosk. The start page (GET /check-in) forgets the unfinished booking in the session.
 * No <meta refresh> fallback here: without JavaScript it would wipe half-typed details without a warning or
 * a way to ask for more time; the draft is dropped by the next visitor's start page instead.
 */
export function kioskReset(config: Pick<Config, 'kioskIdleSeconds'>): RequestHandler {
  return (req, res, next) => {
    if (!res.locals.user && isKiosk(req.headers.cookie)) res.locals.kioskReset = { seconds: config.kioskIdleSeconds, url: KIOSK_START } satisfies KioskReset;
    next();
  };
}

/**
 * Kiosk mode for every public page on a library kiosk (issue #13 item 5): the layout adds `kiosk-mode` to the
 * body (larger text) and views/partials/outbound-link.ejs shows links that would leave the site (other web
 * sites, phone numbers) as plain text, so a visitor cannot wander off the kiosk. Not for signed-in staff.
 */
export const kioskMode: RequestHandler = (req, res, next) => {
  res.locals.kioskMode = !res.locals.user && isKiosk(req.headers.cookie);
  next();
};
