import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { NotFoundError } from './errors';

interface Asset {
  file: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Static files under fingerprinted names (app.3f2a9c1e.css), so they can be cached for a year and a new
 * release is picked up at once. Files are read at start; there are only a handful.
 */
export class AssetCatalog {
  private readonly byLogical = new Map<string, string>();
  private readonly byHashed = new Map<string, Asset>();

  constructor(dir: string) {
    for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
      const file = path.join(dir, name);
      if (!fs.statSync(file).isFile()) continue;
      const ext = path.extname(name);
      const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 10);
      const logical = name.split(path.sep).join('/');
      const hashed = `${logical.slice(0, -ext.length)}.${hash}${ext}`;
      this.byLogical.set(logical, `/static/${hashed}`);
      this.byHashed.set(hashed, { file, type: TYPES[ext] ?? 'application/octet-stream' });
    }
  }

  /** URL of a static file for templates: asset('app.css'). */
  url = (logical: string): string => {
    const url = this.byLogical.get(logical);
    if (!url) throw new Error(`Unknown asset ${logical}`);
    return url;
  };

  middleware(): RequestHandler {
    return (req, res, next) => {
      const asset = this.byHashed.get(req.path.replace(/^\//, ''));
      if (!asset) return next(new NotFoundError());
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.type(asset.type);
      res.sendFile(asset.file);
    };
  }
}
