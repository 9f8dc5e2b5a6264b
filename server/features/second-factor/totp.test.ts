import { generateSync } from 'otplib';
import { matchTotp, totpCode, totpStep, totpUri } from './totp';

/** RFC 6238 appendix B, SHA-1: the ASCII secret "12345678901234567890", 30-second steps, 8 digits. */
const RFC_SECRET_ASCII = '12345678901234567890';
const RFC_SECRET_BASE32 = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238) through otplib, configured as the app uses it', () => {
  test.each(VECTORS)('appendix B, T = %d s: %s', (seconds, expected) => {
    // The library with the app's algorithm and period, 8 digits as in the RFC.
    expect(generateSync({ secret: new TextEncoder().encode(RFC_SECRET_ASCII), epoch: seconds, period: 30, algorithm: 'sha1', digits: 8 })).toBe(expected);
    // The app's own function (6 digits) gives the same code's last six digits for the same secret in Base32.
    expect(totpCode(RFC_SECRET_BASE32, seconds * 1000)).toBe(expected.slice(-6));
    expect(matchTotp(RFC_SECRET_BASE32, expected.slice(-6), seconds * 1000)).toBe(Math.floor(seconds / 30));
  });

  test('a code is accepted one step early or late, not two', () => {
    const at = Date.parse('2026-03-02T09:00:00Z');
    const step = totpStep(at);
    const codeAt = (s: number): string => totpCode(RFC_SECRET_BASE32, s * 30_000);
    expect(matchTotp(RFC_SECRET_BASE32, codeAt(step), at)).toBe(step);
    expect(matchTotp(RFC_SECRET_BASE32, codeAt(step - 1), at)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET_BASE32, codeAt(step + 1), at)).toBe(step + 1);
    expect(matchTotp(RFC_SECRET_BASE32, codeAt(step - 2), at)).toBeNull();
    expect(matchTotp(RFC_SECRET_BASE32, codeAt(step + 2), at)).toBeNull();
    expect(matchTotp(RFC_SECRET_BASE32, 'abcdef', at)).toBeNull();
  });

  test('the otpauth:// address names the issuer Dichterbij and carries the secret', () => {
    const uri = new URL(totpUri(RFC_SECRET_BASE32, 'coord@bieb.nl'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Dichterbij:coord@bieb.nl');
    expect(uri.searchParams.get('secret')).toBe(RFC_SECRET_BASE32);
    expect(uri.searchParams.get('issuer')).toBe('Dichterbij');
  });
});
