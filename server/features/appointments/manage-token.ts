import crypto from 'node:crypto';

// 31 characters: digits and capitals without 0/O, 1/I/L, so a code read aloud or from paper is unambiguous.
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 7;

/** A fresh booking code (about 27 billion possibilities; the database's UNIQUE catches the rare collision). */
export function newBookingCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)];
  return code;
}

export function normaliseCode(input: string): string {
  return input.normalize('NFKC').toUpperCase().replace(/[\s.\-_]/g, '');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** A manage token looks like this (43 base64url characters = 256 bits); anything else is not one. */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * The secret manage link of a booking. The token is an HMAC of the booking code with a server secret:
 * 256 unguessable bits, stored only as a hash, yet re-derivable for the reminder e-mail and for a
 * repeated submit.
 */
export class ManageTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly baseUrl: string,
  ) {
    this.key = crypto.createHmac('sha256', secret).update('dichterbij appointment manage token v1').digest();
  }

  tokenFor(code: string): string {
    return crypto.createHmac('sha256', this.key).update(code).digest('base64url');
  }

  manageUrl(code: string): string {
    return `${this.baseUrl}/appointments/${this.tokenFor(code)}`;
  }
}
