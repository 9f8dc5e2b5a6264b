import { Router } from 'express';
import { z } from 'zod';
import type { RouteDeps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed, pathId } from '../../http/routes';
import { noStore } from '../../http/no-store';
import { keepValues, parseForm } from '../../http/validation';
import { OUTBOX_STATUSES, OutboxService, type OutboxStatus } from './outbox.service';

const PAGE_SIZE = 50;
const FILTER_FIELDS = ['status', 'page'] as const;

const filterSchema = z.object({
  status: z.union([z.literal(''), z.enum(OUTBOX_STATUSES as [OutboxStatus, ...OutboxStatus[]])], { message: 'validation.choose' }),
  page: z
    .string()
    .trim()
    .refine((v) => v === '' || /^[1-9]\d{0,5}$/.test(v), 'validation.number')
    .transform((v) => (v === '' ? 1 : Number(v))),
});

/** /admin/outbox: the mail outbox, for admins. */
export function outboxRouter(deps: RouteDeps): Router {
  const router = Router();
  const outbox = new OutboxService(deps.outbox, deps.audit, deps.clock, deps.outboxSender.kick);
  router.use(requireCapability('outbox.manage'));
  // Recipients' addresses and the mail itself are personal data.
  router.use(noStore);

  router
    .route('/')
    .get((req, res) => {
      const form = parseForm(filterSchema, req.query, FILTER_FIELDS);
      const title = res.locals.t('outbox.index.title');
      const counts = outbox.counts(actorOf(req));
      if (!form.ok) {
        return res.status(400).render('outbox/index', { title, counts, statuses: OUTBOX_STATUSES, values: form.values, errors: form.errors, result: null });
      }
      const result = outbox.list(actorOf(req), form.data.status || null, form.data.page, PAGE_SIZE);
      res.render('outbox/index', { title, counts, statuses: OUTBOX_STATUSES, values: keepValues(req.query, FILTER_FIELDS), errors: [], result });
    })
    .all(methodNotAllowed);

  router
    .route('/:id')
    .get((req, res) => {
      const id = pathId(req);
      const message = outbox.view(actorOf(req), id);
      res.render('outbox/show', { title: res.locals.t('outbox.show.title', { id: message.id }), message });
    })
    .all(methodNotAllowed);

  router
    .route('/:id/retry')
    .post((req, res) => {
      const id = pathId(req);
      outbox.retry(actorOf(req), id);
      flash(req, 'success', 'outbox.retry.done');
      redirectAfterPost(res, `/admin/outbox/${id}`);
    })
    .all(methodNotAllowed);

  return router;
}
