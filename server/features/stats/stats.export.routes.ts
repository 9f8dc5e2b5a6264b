import { Router, type Request, type Response } from 'express';
import type { Deps } from '../../deps';
import { requireCapability } from '../../http/auth';
import { BadRequestError } from '../../http/errors';
import { actorOf } from '../../http/locals';
import { methodNotAllowed } from '../../http/routes';
import { localDate } from '../../lib/time';
import type { StatsQuery } from './stats.report';
import { parseStatsQuery } from './stats.query';
import { exportFileName, type ExportFormat } from './stats.export.service';

/** The filter of an export, as on /stats; a malformed one is a 400 (the person typed or edited the link). */
function exportQuery(req: Request, deps: Deps): StatsQuery {
  const parsed = parseStatsQuery(req.query as Record<string, unknown>, localDate(deps.clock.now()));
  if (!parsed.ok) throw new BadRequestError();
  return parsed.query;
}

/** Counts only, but still a funder's figures: never kept by a browser or proxy cache. */
function downloadHeaders(res: Response, format: ExportFormat, query: StatsQuery): void {
  res.set('Cache-Control', 'no-store');
  res.set('X-Content-Type-Options', 'nosniff');
  res.attachment(exportFileName(format, query));
  res.type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8');
}

/** /stats/export.csv, /stats/export.xlsx, /stats/export-ido.csv: the statistics exports (SPEC 4.7). */
export function statsExportRouter(deps: Deps): Router {
  const router = Router();
  const gate = requireCapability('stats.read');
  const exports = deps.statsExport;

  router
    .route('/stats/export.csv')
    .get(gate, async (req: Request, res: Response) => {
      const query = exportQuery(req, deps);
      const body = await exports.csv(actorOf(req), query, req.lang);
      downloadHeaders(res, 'csv', query);
      res.send(body);
    })
    .all(methodNotAllowed);

  router
    .route('/stats/export.xlsx')
    .get(gate, async (req: Request, res: Response) => {
      const query = exportQuery(req, deps);
      const report = await exports.xlsxReport(actorOf(req), query, req.lang);
      downloadHeaders(res, 'xlsx', query);
      await exports.writeXlsx(report, res);
    })
    .all(methodNotAllowed);

  router
    .route('/stats/export-ido.csv')
    .get(gate, async (req: Request, res: Response) => {
      const query = exportQuery(req, deps);
      const stream = exports.idoExport(actorOf(req), query, req.lang);
      downloadHeaders(res, 'ido', query);
      await stream(res);
      res.end();
    })
    .all(methodNotAllowed);

  return router;
}
