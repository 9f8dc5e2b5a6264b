import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { methodNotAllowed } from '../../http/routes';
import { parseForm, type FieldError } from '../../http/validation';
import { parseId, requireCapability } from '../../http/auth';
import { branchScope } from '../../http/branch-scope';
import { SESSION_COOKIE } from '../../http/session';
import { NotFoundError } from '../../http/errors';
import { actorOf, redirectAfterPost } from '../../http/locals';
import { readCookie } from '../../http/cookies';
import { KIOSK_COOKIE, KIOSK_LANG, KIOSK_START } from '../../http/kiosk';
import { createRateLimiter } from '../../http/rate-limit';
import { formatLocal, isoWeekday } from '../../lib/time';
import type { Branch } from '../branches/branches.service';
import type { CheckInResult } from './arrival.service';
import { WALKIN_TOPICS } from './walkins.repository';
import { CHECK_IN_FIELDS, WALK_IN_FIELDS, checkInSchema, walkInSchema } from './arrival.schema';

export { KIOSK_COOKIE, KIOSK_LANG, KIOSK_START };
/** Seconds before an answer or a ticket goes back to the start, so the next person sees nothing of it. */
export const RESULT_RESET_SECONDS = 12;
export const TICKET_RESET_SECONDS = 45;
/** Wrong codes one kiosk (IP address) may enter per window before it has to wait: stops guessing. */
export const FAILED_CODES_LIMIT = 20;
/** Numbers one kiosk may hand out per window: far above a busy branch, but stops someone emptying the queue. */
export const WALKINS_LIMIT = 120;
const LIMIT_WINDOW_MS = 15 * 60_000;

interface ArrivalDraft {
  result?: CheckInResult;
}

function kioskBranchId(req: Request): number | null {
  return parseId(readCookie(req.headers.cookie, KIOSK_COOKIE));
}

/** Kiosk pages: check in with a booking code, or take a walk-in number. Public, no account. */
export function arrivalRouter(deps: Deps): Router {
  const router = Router();
  const arrival = deps.arrival;
  // The reset target for the kiosk views (_reset.ejs, index.ejs) and kiosk.js.
  router.use('/check-in', (_req, res, next) => {
    res.locals.kioskStart = KIOSK_START;
    next();
  });

  // Only failed codes count (status ≥ 400), so a busy kiosk is never blocked by people who check in fine.
  const tooMany = (_req: Request, res: Response): void => renderMessage(res, 429, 'arrival.errors.too_many');
  const codeLimiter = createRateLimiter({ windowMs: LIMIT_WINDOW_MS, limit: FAILED_CODES_LIMIT, countFailuresOnly: true, onLimited: tooMany });
  const walkinLimiter = createRateLimiter({ windowMs: LIMIT_WINDOW_MS, limit: WALKINS_LIMIT, onLimited: tooMany });

  function renderMessage(res: Response, status: number, key: string): void {
    res.status(status).render('arrival/message', {
      title: res.locals.t('arrival.title'),
      messageKey: key,
      resetSeconds: RESULT_RESET_SECONDS,
      noscriptRefresh: `${RESULT_RESET_SECONDS};url=${KIOSK_START}`,
      bodyClass: 'kiosk',
      scripts: ['kiosk.js'],
    });
  }

  function renderStart(res: Response, status: number, branch: Branch, values: Record<string, string>, errors: FieldError[]): void {
    res.status(status).render('arrival/index', {
      title: res.locals.t('arrival.title'),
      branch,
      values,
      errors,
      topics: WALKIN_TOPICS,
      // After a mistake the typed code is on screen: clear it for the next person if nobody goes on.
      resetSeconds: deps.config.kioskIdleSeconds,
      resetIfFilledOnly: errors.length === 0,
      // Without JavaScript the start page reloads itself only when it shows something to clear: a typed
      // code in an error, or another language than the kiosk's own.
      noscriptRefresh: errors.length > 0 || res.locals.lang !== KIOSK_LANG ? `${deps.config.kioskIdleSeconds};url=${KIOSK_START}` : '',
      bodyClass: 'kiosk',
      scripts: ['kiosk.js'],
    });
  }

  function failureError(result: CheckInResult, t: Request['t'], lang: string): FieldError {
    switch (result.kind) {
      case 'other_day': {
        const weekday = t(`weekdays.${isoWeekday(result.date)}`);
        const date = formatLocal(new Date(`${result.date}T12:00:00Z`), 'D MMMM YYYY', lang);
        return { field: 'code', key: result.past ? 'arrival.errors.past_day' : 'arrival.errors.other_day', params: { weekday, date, time: result.time } };
      }
      case 'other_branch':
        return { field: 'code', key: 'arrival.errors.other_branch', params: { branch: result.branchName } };
      case 'cancelled':
        return { field: 'code', key: 'arrival.errors.cancelled' };
      case 'ask_desk':
        return { field: 'code', key: 'arrival.errors.ask_desk' };
      default:
        return { field: 'code', key: 'arrival.errors.code_unknown' };
    }
  }

  router
    .route('/check-in')
    .get((req, res) => {
      const branch = arrival.kioskBranch(kioskBranchId(req));
      // The QR code in the confirmation e-mail opens /check-in?code=…: the code is filled in, not sent.
      const code = typeof req.query.code === 'string' ? req.query.code.slice(0, 40) : '';
      if (!branch) {
        // Not a kiosk: a citizen at home (or on their phone) is told where to check in; the old set-up link
        // (/check-in?branch=ID) takes signed-in staff to the set-up page and is ignored for everyone else.
        if (req.query.branch !== undefined && req.user) return res.redirect(303, `/check-in/setup?branch=${encodeURIComponent(String(req.query.branch))}`);
        return res.render('arrival/elsewhere', { title: res.locals.t('arrival.elsewhere.title'), code: /^[A-Za-z0-9]{1,40}$/.test(code) ? code.toUpperCase() : '' });
      }
      // The kiosk's start page begins a new visit: an unfinished booking of the person before is forgotten.
      if (req.session?.drafts?.booking) delete req.session.drafts.booking;
      renderStart(res, 200, branch, { code }, []);
    })
    .post(codeLimiter, (req, res) => {
      const branch = arrival.kioskBranch(kioskBranchId(req));
      if (!branch) return renderMessage(res, 400, 'arrival.errors.no_kiosk');
      const form = parseForm(checkInSchema, req.body, CHECK_IN_FIELDS);
      if (!form.ok) return renderStart(res, 400, branch, form.values as Record<string, string>, form.errors);
      const result = arrival.checkIn(branch.id, form.data.code, req.ip ?? null);
      if (result.kind !== 'arrived' && result.kind !== 'already') {
        return renderStart(res, 400, branch, { code: form.data.code }, [failureError(result, req.t, req.lang)]);
      }
      const drafts = (req.session.drafts ??= {});
      drafts.arrival = { result } satisfies ArrivalDraft;
      redirectAfterPost(res, '/check-in/result');
    })
    .all(methodNotAllowed);

  // The answer is shown once: a reload, or the next person pressing "back", gets the start page.
  // Making this browser a kiosk: staff only (desk work at that branch), then signed out, so no staff session
  // stays open on a public screen. The cookie only tells the page which branch it is at: it grants nothing.
  router
    .route('/check-in/setup')
    .all(requireCapability('desk.use'))
    .get((req, res) => {
      const { branch, branches } = branchScope(req, deps.branches, 'desk.use');
      res.render('arrival/choose-branch', { title: res.locals.t('arrival.choose.heading'), branches, values: { branch: branch ? String(branch.id) : '' }, errors: [] });
    })
    .post((req, res, next) => {
      const { branch } = branchScope(req, deps.branches, 'desk.use');
      if (!branch) throw new NotFoundError();
      const kiosk = arrival.kioskForSetUp(actorOf(req), branch.id);
      res.cookie(KIOSK_COOKIE, String(kiosk.id), { httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies, maxAge: 5 * 365 * 24 * 3600_000 });
      const sid = req.sessionID;
      if (req.user) deps.auth.recordSignOut(req.user, req.ip ?? 'unknown');
      req.session.destroy((err) => {
        if (err) return next(err);
        deps.notifier.disconnectSession(sid);
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        redirectAfterPost(res, '/check-in');
      });
    })
    .all(methodNotAllowed);

  router
    .route('/check-in/result')
    .get((req, res) => {
      const draft = req.session?.drafts?.arrival as ArrivalDraft | undefined;
      if (!draft?.result) return res.redirect(303, '/check-in');
      delete req.session.drafts!.arrival;
      res.setHeader('Cache-Control', 'no-store');
      res.render('arrival/result', {
        title: res.locals.t('arrival.title'),
        result: draft.result,
        resetSeconds: RESULT_RESET_SECONDS,
        noscriptRefresh: `${RESULT_RESET_SECONDS};url=${KIOSK_START}`,
        bodyClass: 'kiosk',
        scripts: ['kiosk.js'],
      });
    })
    .all(methodNotAllowed);

  router
    .route('/check-in/walk-in')
    .post(walkinLimiter, (req, res) => {
      const branch = arrival.kioskBranch(kioskBranchId(req));
      if (!branch) return renderMessage(res, 400, 'arrival.errors.no_kiosk');
      const form = parseForm(walkInSchema, req.body, WALK_IN_FIELDS);
      if (!form.ok) return renderStart(res, 400, branch, { code: '' }, form.errors);
      const walkin = arrival.takeNumber(branch.id, form.data.topic);
      redirectAfterPost(res, `/check-in/ticket/${walkin.ticketToken}`);
    })
    .all(methodNotAllowed);

  router
    .route('/check-in/ticket/:token')
    .get((req, res) => {
      const { walkin, branch, ahead } = arrival.ticket(String(req.params.token));
      res.setHeader('Cache-Control', 'no-store');
      res.render('arrival/ticket', {
        title: res.locals.t('arrival.ticket.title', { number: walkin.number }),
        walkin,
        branch,
        ahead,
        resetSeconds: TICKET_RESET_SECONDS,
        noscriptRefresh: `${TICKET_RESET_SECONDS};url=${KIOSK_START}`,
        bodyClass: 'kiosk',
        scripts: ['kiosk.js'],
      });
    })
    .all(methodNotAllowed);

  return router;
}
