import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

/**
 * Synchroniser-token CSRF protection (OWASP's first choice): the token lives in the server-side session and
 * every state-changing form sends it back as `_csrf`. It is on in every environment, tests included.
 */
export function createCsrf(): { protect: RequestHandler; regenerate: (req: Parameters<RequestHandler>[0]) => string } {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      const fromHeader = req.headers['x-csrf-token'];
      return fromBody ?? (typeof fromHeader === 'string' ? fromHeader : undefined);
    },
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
    // Signing out of a session that already ended (idle timeout at a kiosk) has nothing left to protect:
    // answering "this form has expired" there only confuses people. A live session still needs the token.
    skipCsrfProtection: (req) => req.method === 'POST' && req.path === '/logout' && !req.session?.userId,
  });
  return { protect: csrfSynchronisedProtection, regenerate: (req) => generateToken(req, true) };
}
