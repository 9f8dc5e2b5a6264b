import type { RequestHandler } from 'express';

/**
 * For every page that shows personal data (a booking's details, a borrower, a loan, a callback request, a
 * sent e-mail): never kept in the browser's cache or a proxy, so the next person at a shared kiosk or desk PC
 * cannot bring it back with the back button. Mount it on the router (or prefix) of such pages.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
