import zlib from 'node:zlib';
import QRCode from 'qrcode';
import { QR_MARGIN, checkInUrl, qrImage, qrMatrix, qrPng } from './qr';

const URL_TEXT = checkInUrl('https://dichterbij.example.nl/', 'K7MX2QP');

/** Reference matrix straight from the qrcode package, for comparison. */
function reference(text: string): boolean[][] {
  const m = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  return Array.from({ length: m.size }, (_, r) => Array.from({ length: m.size }, (_, c) => m.get(r, c) === 1));
}

/** Paints the SVG path data back onto a grid: proves the drawing is exactly the matrix. */
function paintPath(path: string, side: number): boolean[][] {
  const grid = Array.from({ length: side }, () => Array<boolean>(side).fill(false));
  const re = /M(\d+) (\d+)h(\d+)v1h-(\d+)z/g;
  let consumed = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const [x, y, w, back] = m.slice(1).map(Number);
    expect(back).toBe(w);
    for (let i = 0; i < w; i++) grid[y][x + i] = true;
    consumed += m[0].length;
  }
  expect(consumed).toBe(path.length); // nothing in the path but these rectangles
  return grid;
}

/** A minimal reader for the greyscale PNG qrPng writes (checks signature, chunk CRCs, and filter bytes). */
function readPng(png: Buffer): { width: number; height: number; pixel: (x: number, y: number) => number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(png.readUInt32BE(offset + 8 + length)).toBe(zlib.crc32(png.subarray(offset + 4, offset + 8 + length)) >>> 0);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 0, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (width + 1));
  for (let y = 0; y < height; y++) expect(raw[y * (width + 1)]).toBe(0);
  return { width, height, pixel: (x, y) => raw[y * (width + 1) + 1 + x] };
}

describe('check-in QR code', () => {
  test('encodes only the check-in address with the short code', () => {
    expect(URL_TEXT).toBe('https://dichterbij.example.nl/check-in?code=K7MX2QP');
    expect(checkInUrl('http://localhost:3000', 'ABC 23')).toBe('http://localhost:3000/check-in?code=ABC%2023');
  });

  test('the matrix is what the qrcode package encodes for that URL (so a scanner reads the URL back)', () => {
    const matrix = qrMatrix(URL_TEXT);
    expect(matrix).toEqual(reference(URL_TEXT));
    expect(matrix).not.toEqual(reference(checkInUrl('https://dichterbij.example.nl', 'K7MX2QQ')));
    // Finder pattern in the top-left corner: a 7×7 dark ring around a light ring around a 3×3 dark block.
    expect(matrix[0].slice(0, 7)).toEqual(Array(7).fill(true));
    expect(matrix[1].slice(0, 7)).toEqual([true, false, false, false, false, false, true]);
    expect(matrix[3].slice(0, 7)).toEqual([true, false, true, true, true, false, true]);
  });

  test('the SVG path draws exactly the matrix, inside the quiet zone, with escaping-safe characters', () => {
    const { side, path } = qrImage(URL_TEXT);
    const matrix = reference(URL_TEXT);
    expect(side).toBe(matrix.length + 2 * QR_MARGIN);
    expect(path).toMatch(/^[Mhvz0-9 -]+$/);
    const grid = paintPath(path, side);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const inside = y >= QR_MARGIN && x >= QR_MARGIN && y < side - QR_MARGIN && x < side - QR_MARGIN;
        expect(grid[y][x]).toBe(inside ? matrix[y - QR_MARGIN][x - QR_MARGIN] : false);
      }
    }
  });

  test('the PNG for the e-mail is a valid image of the same matrix', () => {
    const scale = 6;
    const image = qrPng(URL_TEXT, scale);
    const png = readPng(image.png);
    const matrix = reference(URL_TEXT);
    expect(png.width).toBe((matrix.length + 2 * QR_MARGIN) * scale);
    expect(image.side).toBe(png.width);
    expect(png.height).toBe(png.width);
    for (let r = -QR_MARGIN; r < matrix.length + QR_MARGIN; r++) {
      for (let c = -QR_MARGIN; c < matrix.length + QR_MARGIN; c++) {
        const dark = r >= 0 && c >= 0 && r < matrix.length && c < matrix.length && matrix[r][c];
        // Sample the middle of each module.
        const px = png.pixel((c + QR_MARGIN) * scale + scale / 2, (r + QR_MARGIN) * scale + scale / 2);
        expect(px).toBe(dark ? 0 : 255);
      }
    }
  });
});
