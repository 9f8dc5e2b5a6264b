import express from 'express';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../../tests/helpers/test-app';
import { openDatabase } from '../../db/open';
import { HealthRepository } from './health.repository';
import { HealthService } from './health.service';
import { healthRouter } from './health.routes';

describe('/healthz', () => {
  let t: TestApp;
  beforeEach(() => {
    t = createTestApp();
  });
  afterEach(() => t.close());

  test('ok with the outbox counts while the database answers', async () => {
    const res = await t.agent().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok', outbox: { pending: 0, sending: 0, sent: 0, failed: 0 } });
  });

  test('503 when the database does not answer', async () => {
    const db = openDatabase(`${t.dir}/other.sqlite`);
    const health = new HealthService(new HealthRepository(db), t.deps.outbox);
    db.close();
    const res = await request(express().use(healthRouter(health))).get('/healthz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'error', database: 'error' });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
