import zlib from 'node:zlib';
import QRCode from 'qrcode';

/**
 * The QR code a citizen shows at the kiosk: it holds only the check-in address with the short booking code
 * (never the manage token, never personal data), so a lost print-out or a photographed screen gives nobody
 * access to the booking. The kiosk fills the code in from `/check-in?code=…`; typing it always works too.
 */

/** Quiet zone around the symbol, in modules (the spec asks for 4; 1 is what scanners need in practice). */
export const QR_MARGIN = 1;
/** M recovers from ~15% damage: enough for a creased print-out, still a small symbol for a ~55-character URL. */
const ERROR_CORRECTION = 'M';

export interface QrImage {
  /** Side of the drawing in modules, quiet zone included (the SVG's viewBox is 0 0 side side). */
  side: number;
  /**
   * SVG path data of the dark modules: one `M x y h n v1 h -n z` rectangle per horizontal run. Only digits,
   * spaces, minus signs and the letters M h v z, so `<%=` escaping leaves it unchanged.
   */
  path: string;
}

export function checkInUrl(baseUrl: string, code: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/check-in?code=${encodeURIComponent(code)}`;
}

/** The module matrix, row by row (true = dark), exactly as the qrcode package encodes `text`. */
export function qrMatrix(text: string): boolean[][] {
  const modules = QRCode.create(text, { errorCorrectionLevel: ERROR_CORRECTION }).modules;
  const rows: boolean[][] = [];
  for (let r = 0; r < modules.size; r++) {
    const row: boolean[] = [];
    for (let c = 0; c < modules.size; c++) row.push(modules.get(r, c) === 1);
    rows.push(row);
  }
  return rows;
}

/**
 * The QR code as data for an inline SVG drawn by a template (views/appointments/_qr.ejs). Drawn from the
 * matrix rather than with QRCode.toString, so the page gets no generated markup through `<%-` and no
 * style attributes (the CSP forbids inline styles).
 */
export function qrImage(text: string): QrImage {
  const matrix = qrMatrix(text);
  const parts: string[] = [];
  matrix.forEach((row, r) => {
    for (let c = 0; c < row.length; ) {
      if (!row[c]) {
        c++;
        continue;
      }
      let end = c;
      while (end < row.length && row[end]) end++;
      parts.push(`M${c + QR_MARGIN} ${r + QR_MARGIN}h${end - c}v1h-${end - c}z`);
      c = end;
    }
  });
  return { side: matrix.length + 2 * QR_MARGIN, path: parts.join('') };
}

/**
 * The QR code as a PNG (8-bit greyscale, `scale` pixels per module) and its side in pixels, for the e-mail's
 * inline image. Built
 * synchronously (deflateSync, crc32) because the e-mail is rendered inside the booking's database
 * transaction, where nothing may await; QRCode.toBuffer is asynchronous only.
 */
export function qrPng(text: string, scale = 6): { png: Buffer; side: number } {
  const matrix = qrMatrix(text);
  const side = (matrix.length + 2 * QR_MARGIN) * scale;
  // Each scanline: filter byte 0 (none), then one byte per pixel: 0 black, 255 white.
  const raw = Buffer.alloc(side * (side + 1), 255);
  for (let y = 0; y < side; y++) {
    raw[y * (side + 1)] = 0;
    const r = Math.floor(y / scale) - QR_MARGIN;
    if (r < 0 || r >= matrix.length) continue;
    for (let x = 0; x < side; x++) {
      const c = Math.floor(x / scale) - QR_MARGIN;
      if (c >= 0 && c < matrix.length && matrix[r][c]) raw[y * (side + 1) + 1 + x] = 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  // compression, filter method and interlace stay 0
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  return { png, side };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length, 0);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body) >>> 0, 0);
  return Buffer.concat([length, body, crc]);
}
