import { z } from 'zod';
import { fields } from '../../http/validation';

/** A client's idempotency key: a UUID from the browser, or the one the server put in the no-JS form. */
const clientId = (): z.ZodType<string> => fields.oneLine().regex(/^[A-Za-z0-9_-]{1,64}$/, 'validation.invalid');
const body = (): z.ZodType<string> => fields.multiLine().min(1, 'validation.required').max(2000, 'validation.too_long');

export const MESSAGE_FIELDS = ['body', 'clientId', 'kind'] as const;
/** The no-JavaScript form under the conversation: POST /escalations/:id/messages. */
export const messageFormSchema = z.object({
  body: body(),
  clientId: clientId(),
  // Only the expert's form has the choice; the volunteer's sends none (a message).
  kind: fields
    .oneLine()
    .transform((v) => (v === '' ? 'message' : v))
    .pipe(z.enum(['message', 'note'])),
});

export const AFTER_FIELDS = ['after'] as const;
/** GET /escalations/:id/messages?after=N: the client's catch-up. */
export const afterQuerySchema = z.object({
  after: fields
    .oneLine()
    .transform((v) => (v === '' ? '0' : v))
    .pipe(z.string().regex(/^\d{1,9}$/, 'validation.number'))
    .transform(Number),
});

const escalationId = z.number().int().positive().max(2 ** 31);
const seq = z.number().int().min(0).max(2 ** 31);

/** Payloads of the socket events (see chat.socket.ts and the chat contract). */
export const socketJoinSchema = z.object({ escalationId, afterSeq: seq.default(0) });
export const socketSendSchema = z.object({ escalationId, clientId: clientId(), body: body(), kind: z.enum(['message', 'note']).default('message') });
export const socketTypingSchema = z.object({ escalationId, typing: z.boolean() });
export const socketReadSchema = z.object({ escalationId, seq });
