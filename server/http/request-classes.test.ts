import http from 'node:http';
import express from 'express';
import { startLiveServer, type LiveServer } from '../../tests/helpers/live-server';
import { requestClasses } from './request-classes';

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

describe('request and response objects built with Express prototypes', () => {
  test('a server with requestClasses hands Express objects that already have its prototypes, and Express works as usual', async () => {
    const app = express();
    const seen: boolean[] = [];
    app.get('/hello/:name', (req, res) => {
      res.status(201).type('text').send(`hello ${req.params.name} ${req.get('x-test') ?? ''}`);
    });
    const server = http.createServer(requestClasses(app), (req, res) => {
      // Before Express runs: the swap Express would do is already done, so its setPrototypeOf changes nothing.
      seen.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response);
      seen.push(req instanceof http.IncomingMessage && res instanceof http.ServerResponse);
      app(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as import('node:net').AddressInfo;
      const reply = await get(`http://127.0.0.1:${port}/hello/ada`);
      expect(reply).toEqual({ status: 201, body: 'hello ada ' });
      expect(seen).toEqual([true, true]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('the app server', () => {
    let server: LiveServer;
    beforeAll(async () => {
      server = await startLiveServer();
    });
    afterAll(() => server.close());

    test('builds every request and response with the prototypes Express would otherwise swap in on each request', async () => {
      const protos: string[] = [];
      // Runs before the server's own handler (the page cache, then Express).
      server.server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        const expressReq = typeof (req as unknown as { get?: unknown }).get === 'function' && 'app' in req;
        const expressRes = typeof (res as unknown as { render?: unknown }).render === 'function' && 'app' in res;
        protos.push(`${expressReq}/${expressRes}`);
      });
      expect((await get(`${server.url}/healthz`)).status).toBe(200);
      expect((await get(`${server.url}/`)).status).toBe(200);
      expect(protos).toEqual(['true/true', 'true/true']);
    });
  });
});
