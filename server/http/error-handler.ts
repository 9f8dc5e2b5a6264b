import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Deps } from '../deps';
import { AppError, MethodNotAllowedError, NotFoundError, StepUpRequiredError } from './errors';
import { chooseLanguage, directionOf, LANGUAGES } from '../lib/i18n';
import { loggableUrl } from '../lib/logger';
import { DEFAULT_ESCALATION_SETTINGS, helplineContact } from '../features/escalations/escalations.model';
import { LANG_COOKIE, readCookie } from './cookies';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  expose?: boolean;
}

/** Statuses with their own title and text in locales/<lang>/errors.json; any other 4xx reads as a 400. */
const KNOWN_STATUSES: readonly number[] = [400, 403, 404, 405, 409, 410, 413, 429];

/** Maps any error to a status and a translation key for the friendly page. */
export function classify(err: unknown): { status: number; key: string } {
  if (err instanceof AppError) return { status: err.status, key: err.messageKey };
  const e = (err ?? {}) as HttpLikeError;
  if (e.code === 'EBADCSRFTOKEN') return { status: 403, key: 'errors.403.csrf' };
  if (e.type === 'entity.too.large') return { status: 413, key: 'errors.413.text' };
  if (e.type === 'parameters.too.many') return { status: 413, key: 'errors.413.text' };
  const status = e.status ?? e.statusCode;
  if (status && status >= 400 && status < 500) {
    return { status, key: KNOWN_STATUSES.includes(status) ? `errors.${status}.text` : 'errors.400.text' };
  }
  return { status: 500, key: 'errors.500.text' };
}

/** The title's status: e.g. a 415 (unknown charset) keeps its status but is titled like a 400. */
export function titleStatus(status: number): number {
  if (status >= 500) return 500;
  return KNOWN_STATUSES.includes(status) ? status : 400;
}

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** The one place that turns errors into pages. Stack traces only outside production. */
export function errorHandler(deps: Deps): ErrorRequestHandler {
  const production = deps.config.env === 'production';
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    // Switched in by PIN and asking for more than a volunteer may: confirm the password, then come back here.
    if (err instanceof StepUpRequiredError && req.user) {
      const back = req.method === 'GET' && req.originalUrl.length <= 2000 ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/account/step-up${back}`);
    }
    const { status, key } = classify(err);
    if (status >= 500) deps.logger.error({ err, url: loggableUrl(req.originalUrl) }, 'unhandled error');
    // The error may have happened before the locals middleware ran (e.g. body too large).
    if (!res.locals.t) {
      const lang = chooseLanguage(readCookie(req.headers.cookie, LANG_COOKIE), deps.translations);
      Object.assign(res.locals, {
        lang,
        dir: directionOf(lang),
        t: deps.translations.translator(lang),
        languages: LANGUAGES,
        // Shown in the chosen language whatever the page (no locals ran), so the switch offers them all too.
        switchLanguages: LANGUAGES,
        asset: deps.assets.url,
        currentPath: req.path,
        currentUrl: req.originalUrl,
        user: req.user ?? null,
        csrfToken: () => '',
      });
    }
    // The footer prints the configured Digihulplijn number; if reading it is what failed, the default will do.
    if (!res.locals.helpline) {
      try {
        res.locals.helpline = deps.escalationSettings.helpline();
      } catch {
        res.locals.helpline = helplineContact(DEFAULT_ESCALATION_SETTINGS.helplinePhone);
      }
    }
    const stack = !production && status >= 500 && err instanceof Error ? err.stack : null;
    res.status(status);
    if (status === 405) res.setHeader('Allow', (err instanceof MethodNotAllowedError ? err.allow : ['GET', 'HEAD', 'POST']).join(', '));
    if (req.accepts(['html', 'json']) === 'json' && !req.accepts('html')) {
      res.json({ error: status, message: res.locals.t(key) });
      return;
    }
    const locals = { title: res.locals.t(`errors.${titleStatus(status)}.title`), status: titleStatus(status), messageKey: key, stack };
    res.render('errors/error', locals, (renderErr: unknown, html: string) => {
      if (!renderErr) return void res.send(html);
      // The error page itself failed. Never hand this to Express's fallback, which shows the template and
      // the error in any environment but NODE_ENV=production: a last, plain answer instead.
      deps.logger.error({ err: renderErr, url: loggableUrl(req.originalUrl) }, 'error page failed');
      res.status(500).type('text/plain; charset=utf-8').send('500 – Er ging iets mis. Something went wrong.');
    });
  };
}
