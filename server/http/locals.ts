import type { Request, RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { LANGUAGES, chooseLanguage, directionOf, pageLanguage, switchLanguages, type Translate } from '../lib/i18n';
import { formatLocal } from '../lib/time';
import type { Actor } from '../lib/actor';
import { may, type Capability } from '../policy/policy';
import { LANG_COOKIE, readCookie } from './cookies';

export { LANG_COOKIE };

declare module 'express-serve-static-core' {
  interface Request {
    lang: string;
    t: Translate;
  }
}

/**
 * The public pages: the start page, booking, managing one's own appointment (by its secret key), check-in,
 * the waiting-room screen, the survey, the privacy and accessibility statements, the error pages. They are in
 * all six languages; every other page is a staff page, in Dutch or English only (SPEC §4.11).
 */
const PUBLIC_PAGE = /^\/(?:$|book(?:\/|$)|appointments\/[\w-]{20,}(?:\/|$)|check-in(?:\/|$)|queue\/\d+$|survey(?:\/|$)|privacy$|toegankelijkheid$|waitlist(?:$|\/joined$|\/offer\/))/;

export function isPublicPage(path: string): boolean {
  return PUBLIC_PAGE.test(path);
}

/** Language and everything a template needs; runs before the routers. */
export function templateLocals(deps: Deps): RequestHandler {
  const languages = LANGUAGES.filter((l) => deps.translations.has(l.code));
  const switchFor = { public: switchLanguages(languages, true), staff: switchLanguages(languages, false) };
  return (req, res, next) => {
    // One rule for every page: a language without staff translations shows staff pages in Dutch.
    const chosen = chooseLanguage(readCookie(req.headers.cookie, LANG_COOKIE), deps.translations);
    const publicPage = isPublicPage(req.path);
    res.locals.publicPage = publicPage;
    setPageLanguage(req, res, deps, pageLanguage(chosen, publicPage));
    // `languages` is every language (a booking's or a borrower's mail language); the header switch offers fewer on staff pages.
    res.locals.languages = languages;
    res.locals.switchLanguages = publicPage ? switchFor.public : switchFor.staff;
    res.locals.asset = deps.assets.url;
    // The one source of the Digihulplijn number on pages (footer, start page, booking): the escalation settings.
    res.locals.helpline = deps.escalationSettings.helpline();
    res.locals.currentPath = req.path;
    res.locals.currentUrl = req.originalUrl;
    res.locals.user = null;
    // Templates ask the same policy as the services, for links and buttons (never as the permission itself).
    res.locals.may = (capability: Capability, branchId?: number): boolean => may(req.user, capability, branchId);
    res.locals.errors = [];
    res.locals.values = {};
    // Only pages with a POST form ask for a token, so plain public pages never create a session.
    res.locals.csrfToken = () => (req.session && req.csrfToken ? req.csrfToken() : '');
    const flash = req.session?.flash;
    if (flash) {
      res.locals.flash = flash;
      delete req.session.flash;
    }
    next();
  };
}

/**
 * The language of this response, for the page, its messages and its dates. templateLocals sets it; the session
 * guard sets it again to Dutch when someone signed in chose a language without staff texts (a signed-in
 * person's header is the staff menu).
 */
export function setPageLanguage(req: Request, res: Response, deps: Pick<Deps, 'translations'>, lang: string): void {
  req.lang = lang;
  req.t = deps.translations.translator(lang);
  res.locals.lang = lang;
  res.locals.dir = directionOf(lang);
  res.locals.t = req.t;
  res.locals.formatLocal = (d: Date | string, pattern: string) => formatLocal(new Date(d), pattern, lang);
}

/** A flash message shown once on the next page (after a redirect). */
export function flash(req: Request, kind: 'success' | 'info' | 'error', key: string, params?: Record<string, string | number>): void {
  req.session.flash = { kind, key, params };
}

export function actorOf(req: Request): Actor {
  return { userId: req.user?.id ?? null, label: req.user?.email ?? 'public', ip: req.ip ?? null, user: req.user ?? null };
}

/** 303 after a POST so reload never repeats it. */
export function redirectAfterPost(res: Response, url: string): void {
  res.redirect(303, url);
}
