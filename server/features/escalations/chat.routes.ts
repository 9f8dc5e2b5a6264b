import { Router } from 'express';
import type { RouteDeps } from '../../deps';
import { methodNotAllowed, pathId } from '../../http/routes';
import { noStore } from '../../http/no-store';
import { requireCapability } from '../../http/auth';
import { AppError } from '../../http/errors';
import { parseForm, parseOrBadRequest } from '../../http/validation';
import { actorOf, flash, redirectAfterPost } from '../../http/locals';
import { AFTER_FIELDS, MESSAGE_FIELDS, afterQuerySchema, messageFormSchema } from './chat.schema';

/**
 * The chat without JavaScript: a form post that stores the message and redirects back to the escalation
 * page (PRG), and a JSON catch-up the script may use. The socket events (chat.socket.ts) do the same live.
 */
export function chatRouter(deps: RouteDeps): Router {
  const router = Router();
  // A friendly early 403 for roles outside every chat; the service asks the access rule per escalation.
  const chatting = requireCapability('escalations.chat');

  router
    .route('/escalations/:id/messages')
    .all(chatting)
    .get(noStore, (req, res) => {
      const id = pathId(req);
      const { after } = parseOrBadRequest(afterQuerySchema, req.query, AFTER_FIELDS);
      res.json({ messages: deps.chat.after(actorOf(req), id, after) });
    })
    .post((req, res) => {
      const id = pathId(req);
      const back = `/escalations/${id}#chat`;
      const form = parseForm(messageFormSchema, req.body, MESSAGE_FIELDS);
      // The access rule first, so an empty post to another branch's chat is a 404, not a helpful error.
      if (!form.ok) {
        deps.chat.sideFor(actorOf(req), id);
        flash(req, 'error', form.errors.some((e) => e.field === 'body') ? 'chat.errors.empty' : 'chat.errors.not_sent');
        return redirectAfterPost(res, back);
      }
      try {
        deps.chat.post(actorOf(req), { escalationId: id, ...form.data });
      } catch (err) {
        // Too many messages, or the conversation ended meanwhile: say so on the page, keep nothing half-done.
        if (err instanceof AppError && (err.status === 409 || err.status === 429)) {
          flash(req, 'error', err.messageKey);
          return redirectAfterPost(res, back);
        }
        throw err;
      }
      redirectAfterPost(res, back);
    })
    .all(methodNotAllowed);

  return router;
}
