import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';

/** /stats/report-mail: a coordinator switches the monthly report by e-mail on or off (one checkbox). */
export function statsMailRouter(deps: Deps): Router {
  const router = Router();
  const gate = requireCapability('stats.read');

  router
    .route('/stats/report-mail')
    .get(gate, (req: Request, res: Response) => {
      res.render('stats/report-mail', {
        title: res.locals.t('stats-export.subscription.title'),
        subscribed: deps.statsMail.isSubscribed(actorOf(req)),
        email: req.user!.email,
      });
    })
    .post(gate, (req: Request, res: Response) => {
      // A checkbox is absent when unticked: anything but "on" switches the report off.
      const on = (req.body as Record<string, unknown> | undefined)?.subscribe === 'on';
      deps.statsMail.setSubscribed(actorOf(req), on);
      flash(req, 'success', on ? 'stats-export.subscription.on' : 'stats-export.subscription.off');
      redirectAfterPost(res, '/stats/report-mail');
    })
    .all(methodNotAllowed);

  return router;
}
