import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { ejsViewEngine } from './view-engine';
import { tempDir } from '../../tests/helpers/test-app';

function views(files: Record<string, string>): string {
  const dir = tempDir('dichterbij-views-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function appOn(dir: string, cache: boolean): express.Express {
  const app = express();
  app.set('views', dir);
  app.set('view engine', 'ejs');
  app.engine('ejs', ejsViewEngine());
  app.set('view cache', cache);
  app.use((_req, res, next) => {
    res.locals.who = 'Ada';
    next();
  });
  app.get('/:view', (req, res) => res.render(`pages/${req.params.view}`, { title: '<Titel>' }));
  app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).type('text/plain').send(err.message);
  });
  return app;
}

describe('ejsViewEngine', () => {
  const dir = views({
    'pages/page.ejs': `<%- include('../partials/greet', { name: 'Bea' }) %>|<%= typeof name === 'undefined' ? 'no name' : name %>|<%- include('../partials/greet') %>|<%= title %>`,
    'partials/greet.ejs': `<%= who %> greets <%= typeof name === 'undefined' ? 'nobody' : name %><%- include('dot') %>`,
    'partials/dot.ejs': `.`,
    'pages/missing.ejs': `<%- include('../partials/nothing-here') %>`,
    'pages/broken.ejs': `line one\n<%= notDefinedAnywhere.x %>`,
  });

  test.each([true, false])('includes see their parent locals and their own data, which never leaks back up (view cache %s)', async (cache) => {
    const res = await request(appOn(dir, cache)).get('/page');
    expect(res.status).toBe(200);
    expect(res.text).toBe('Ada greets Bea.|no name|Ada greets nobody.|&lt;Titel&gt;');
  });

  test('a missing include and an error in a template name the file (and the line)', async () => {
    const app = appOn(dir, true);
    const missing = await request(app).get('/missing');
    expect(missing.status).toBe(500);
    expect(missing.text).toContain('nothing-here');
    const broken = await request(app).get('/broken');
    expect(broken.status).toBe(500);
    expect(broken.text).toContain('broken.ejs:2');
  });

  test('with the view cache a changed template is not read again; without it (development) it is', async () => {
    const d = views({ 'pages/p.ejs': `one<%- include('../partials/x') %>`, 'partials/x.ejs': `A` });
    const cached = appOn(d, true);
    const fresh = appOn(d, false);
    expect((await request(cached).get('/p')).text).toBe('oneA');
    fs.writeFileSync(path.join(d, 'partials/x.ejs'), 'B');
    expect((await request(cached).get('/p')).text).toBe('oneA');
    expect((await request(fresh).get('/p')).text).toBe('oneB');
  });
});
