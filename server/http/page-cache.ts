import zlib from 'node:zlib';
import type http from 'node:http';
import type { RequestHandler } from 'express';
import { LANG_COOKIE, readCookies } from './cookies';

interface Entry {
  headers: [string, string | number | string[]][];
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
  expiresAt: number;
}

export interface PageCacheOptions {
  /** Paths whose anonymous GET responses may be shared between visitors. */
  paths: readonly string[];
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

/** Headers that belong to one response, not to the page. */
const NOT_REPLAYED = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'vary', 'etag', 'date', 'connection', 'keep-alive', 'set-cookie']);

/**
 * A micro-cache for the few public pages that are the same for every anonymous visitor (the start page, the
 * first booking steps): a kiosk PC, a Raspberry Pi server and a rush of people after a local-news item all
 * get the rendered page from memory for a few seconds instead of rendering it again. It answers *before*
 * Express, with exactly the headers (CSP and all) that the full render produced.
 *
 * Safe by construction: only GET/HEAD, only listed paths, only requests with no cookie other than the
 * language choice (so never a signed-in person or a booking in progress), only 200 responses that set no
 * cookie and are not marked no-store/private. Pages are stale for at most `ttlMs`; anything that matters
 * (a free time) is checked again when the form is posted.
 */
export class PublicPageCache {
  private readonly entries = new Map<string, Entry>();
  private readonly paths: ReadonlySet<string>;
  hits = 0;
  misses = 0;

  constructor(private readonly options: PageCacheOptions) {
    this.paths = new Set(options.paths);
  }

  private keyOf(req: http.IncomingMessage): string | null {
    if (req.method !== 'GET' && req.method !== 'HEAD') return null;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if (!this.paths.has(q === -1 ? url : url.slice(0, q))) return null;
    // Only the language cookie may vary the page; any other cookie (a session) means a personal page.
    let lang = '';
    if (req.headers.cookie) {
      const cookies = readCookies(req.headers.cookie);
      const names = Object.keys(cookies);
      if (names.length !== 1 || names[0] !== LANG_COOKIE || !/^[a-z]{2}$/.test(cookies[LANG_COOKIE] ?? '')) return null;
      lang = cookies[LANG_COOKIE]!;
    }
    return `${lang}|${url}`;
  }

  /** Answers from memory when it can; returns false to let the app handle the request. */
  serve(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const key = this.keyOf(req);
    if (key === null) return false;
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= this.options.now()) {
      if (entry) this.entries.delete(key);
      this.misses++;
      return false;
    }
    this.hits++;
    const accept = req.headers['accept-encoding'] ?? '';
    const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
    const body = encoding === 'br' ? entry.br : encoding === 'gzip' ? entry.gzip : entry.identity;
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    if (encoding) res.setHeader('Content-Encoding', encoding);
    res.setHeader('Vary', 'Accept-Encoding');
    res.setHeader('Content-Length', body.length);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  /** Express middleware, mounted after compression, that remembers cacheable renders. */
  capture(): RequestHandler {
    return (req, res, next) => {
      const key = this.keyOf(req);
      if (key === null) return next();
      const send = res.send.bind(res);
      let body: Buffer | null = null;
      res.send = (payload?: unknown) => {
        if (typeof payload === 'string') body = Buffer.from(payload, 'utf8');
        return send(payload);
      };
      res.on('finish', () => {
        if (!body || res.statusCode !== 200 || res.getHeader('set-cookie')) return;
        const cacheControl = String(res.getHeader('cache-control') ?? '');
        if (/no-store|private/.test(cacheControl)) return;
        this.store(key, body, res.getHeaders());
      });
      next();
    };
  }

  private store(key: string, identity: Buffer, headers: http.OutgoingHttpHeaders): void {
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const replay = Object.entries(headers)
      .filter(([name, value]) => value !== undefined && !NOT_REPLAYED.has(name.toLowerCase()))
      .map(([name, value]) => [name, value] as [string, string | number | string[]]);
    this.entries.set(key, {
      headers: replay,
      identity,
      gzip: zlib.gzipSync(identity, { level: 9 }),
      br: zlib.brotliCompressSync(identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }),
      expiresAt: this.options.now() + this.options.ttlMs,
    });
  }

  clear(): void {
    this.entries.clear();
  }
}
