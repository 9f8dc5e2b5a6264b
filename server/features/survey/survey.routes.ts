import { kioskReset } from '../../http/kiosk';
import { Router, type Request, type Response } from 'express';
import type { RouteDeps } from '../../deps';
import { parseId } from '../../http/auth';
import { NotFoundError } from '../../http/errors';
import { createRateLimiter } from '../../http/rate-limit';
import { redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { parseForm, type FieldError, type FormValues } from '../../http/validation';
import type { Branch } from '../branches/branches.service';
import { SURVEY_QUESTIONS } from './survey.service';
import { HONEYPOT_FIELD, SURVEY_FIELDS, surveySchema } from './survey.schema';

/** A kiosk answers a few surveys a minute at most; more from one address is a script. */
const ANSWERS_PER_MINUTE = 12;

/** /survey: the anonymous visitor survey on the kiosk (SPEC 4.8). Public; no account, no free text. */
export function surveyRouter(deps: RouteDeps): Router {
  const router = Router();
  const limiter = createRateLimiter({ windowMs: 60_000, limit: ANSWERS_PER_MINUTE });

  /** An open branch from ?branch= or the form; unknown or closed branches are absent. */
  const branchFrom = (value: unknown): Branch => {
    const id = parseId(value);
    const branch = id === null ? null : deps.branches.find(id);
    if (!branch || branch.retiredAt) throw new NotFoundError();
    return branch;
  };

  const renderForm = (req: Request, res: Response, status: number, branch: Branch, values: FormValues, errors: FieldError[]): void => {
    res.status(status).render('survey/form', {
      title: req.t('survey.title'),
      branch,
      questions: SURVEY_QUESTIONS,
      values,
      errors,
      honeypot: HONEYPOT_FIELD,
      scripts: ['survey.js'],
      bodyClass: 'kiosk',
    });
  };

  router
    .route('/survey')
    // On a library kiosk a half-answered survey goes back to the Dutch start page after a while without
    // input (the thank-you page restarts the survey by itself).
    .all(kioskReset(deps.config))
    .get((req, res) => {
      if (req.query.branch === undefined) {
        return res.render('survey/choose', { title: req.t('survey.title'), branches: deps.branches.listActive() });
      }
      renderForm(req, res, 200, branchFrom(req.query.branch), { satisfaction: '', self_reliance: '', trust: '' }, []);
    })
    .post(limiter, (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const branch = branchFrom(body.branch);
      // A filled honeypot gets the same thank-you page, so a bot learns nothing; nothing is counted.
      if (typeof body[HONEYPOT_FIELD] === 'string' && body[HONEYPOT_FIELD] !== '') {
        return redirectAfterPost(res, `/survey/thanks?branch=${branch.id}`);
      }
      const form = parseForm(surveySchema, body, SURVEY_FIELDS);
      if (!form.ok) return renderForm(req, res, 400, branch, form.values, form.errors);
      deps.survey.record(branch.id, form.data);
      redirectAfterPost(res, `/survey/thanks?branch=${branch.id}`);
    })
    .all(methodNotAllowed);

  router
    .route('/survey/thanks')
    .get((req, res) => {
      const branch = branchFrom(req.query.branch);
      res.render('survey/thanks', { title: req.t('survey.thanks.title'), branch, scripts: ['survey.js'], bodyClass: 'kiosk' });
    })
    .all(methodNotAllowed);

  return router;
}
