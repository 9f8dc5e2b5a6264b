/**
 * The floor of the stack, for bench:loans: the same answer bytes served by (a) a bare Node `http` server and
 * (b) Express 5 with express-session (memory store, signed cookie, rolling, and the request classes of
 * server/http/request-classes.ts, as the app is configured), with no page work at all. `node dist/scripts/bench/floor-server.js <http|express-session> <port> <body file> <content-encoding>`
 * Prints "listening" when ready. GET /start (express-session) starts a session and sets its cookie.
 */
import fs from 'node:fs';
import http from 'node:http';
import express from 'express';
import session from 'express-session';
import { requestClasses } from '../../server/http/request-classes';

const [kind, port, bodyFile, encoding] = process.argv.slice(2);
const body = fs.readFileSync(bodyFile);
const headers = { 'content-type': 'text/html; charset=utf-8', 'content-encoding': encoding, 'cache-control': 'no-store' };

let handler: http.RequestListener;
let options: http.ServerOptions = {};
if (kind === 'http') {
  handler = (_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  };
} else {
  const app = express();
  app.use(session({ secret: 'floor-secret-floor-secret-floor-secret', resave: false, saveUninitialized: false, rolling: true, cookie: { httpOnly: true, sameSite: 'lax', maxAge: 30 * 60_000 } }));
  app.get('/start', (req, res) => {
    (req.session as unknown as { userId: number }).userId = 1;
    res.send('ok');
  });
  app.get('/{*rest}', (req, res) => {
    if (!(req.session as unknown as { userId?: number }).userId) return void res.sendStatus(401);
    res.set(headers).send(body);
  });
  handler = app;
  options = requestClasses(app);
}
http.createServer(options, handler).listen(Number(port), '127.0.0.1', () => console.log('listening'));
