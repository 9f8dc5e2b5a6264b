import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { createTestApp, type TestApp } from '../helpers/test-app';

/** Raw bytes as sent, without decompression. */
function get(url: string, acceptEncoding: string): Promise<{ encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const brotliSize = (body: Buffer, quality: number): number => zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }).length;

describe('compression levels (app.ts)', () => {
  let t: TestApp;
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    t = createTestApp();
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  test('pages use Brotli quality 1 (cheap on every request), static assets quality 3 (fetched once per visitor)', async () => {
    const page = await get(`${base}/`, 'br');
    const plainPage = await get(`${base}/`, 'identity');
    expect(page.encoding).toBe('br');
    expect(zlib.brotliDecompressSync(page.body).equals(plainPage.body)).toBe(true);
    expect(page.body.length).toBe(brotliSize(plainPage.body, 1));

    const css = /href="(\/static\/app\.[0-9a-f]+\.css)"/.exec(plainPage.body.toString('utf8'))![1];
    const sheet = await get(`${base}${css}`, 'br');
    const plainSheet = await get(`${base}${css}`, 'identity');
    expect(sheet.encoding).toBe('br');
    expect(zlib.brotliDecompressSync(sheet.body).equals(plainSheet.body)).toBe(true);
    expect(sheet.body.length).toBe(brotliSize(plainSheet.body, 3));
  });
});
