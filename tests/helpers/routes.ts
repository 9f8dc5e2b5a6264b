import type { Express } from 'express';

export interface RouteInfo {
  method: 'GET' | 'POST';
  /** The path template as registered, with the mount prefix: `/admin/branches/:id/hours`. */
  path: string;
}

interface LayerLike {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
  rawPath?: unknown;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

/**
 * Every GET and POST route the real app answers, read from Express's own router stack (mounted routers
 * included), so a test built on it covers a route the day it is added.
 */
export function listRoutes(app: Express): RouteInfo[] {
  const found = new Map<string, RouteInfo>();
  const walk = (stack: LayerLike[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) {
          const method = m.toUpperCase();
          if (method !== 'GET' && method !== 'POST') continue;
          const info: RouteInfo = { method, path: join(prefix, layer.route.path) };
          found.set(`${info.method} ${info.path}`, info);
        }
      } else if (layer.handle?.stack && typeof layer.rawPath === 'string') {
        walk(layer.handle.stack, join(prefix, layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '');
  return [...found.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}
