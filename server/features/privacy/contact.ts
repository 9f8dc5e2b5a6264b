/**
 * A person's contact as bookings and borrowers store it: e-mail lower-cased; phone digits only (a leading +
 * kept). Something with an @ is only an e-mail address, anything else only a phone number.
 */
export interface NormalisedContact {
  email: string | null;
  phone: string | null;
}

export function normaliseContact(contact: string): NormalisedContact {
  const c = contact.trim();
  if (c.includes('@')) return { email: c.toLowerCase(), phone: null };
  const phone = (c.startsWith('+') ? '+' : '') + c.replace(/\D/g, '');
  return { email: null, phone: phone.replace('+', '') ? phone : null };
}

/** The same normalisation in SQL, for phone numbers stored as typed (bookings, callback requests). */
export const SQL_PHONE = (column: string): string => `replace(replace(replace(replace(${column}, ' ', ''), '-', ''), '.', ''), '/', '')`;

/**
 * The ways one Dutch phone number is written once normalised: 06…, +316… and 00316… are the same line. A
 * data-subject request must find a callback left as "+31 6 …" when the person now says "06 …" (and back).
 * Numbers of other countries stay as they are.
 */
export function phoneVariants(phone: string | null): string[] {
  if (!phone) return [];
  let national: string | null = null;
  if (phone.startsWith('+31')) national = `0${phone.slice(3)}`;
  else if (phone.startsWith('0031')) national = `0${phone.slice(4)}`;
  else if (/^0[1-9]/.test(phone)) national = phone;
  if (national === null || national.length < 2) return [phone];
  const rest = national.slice(1);
  return [...new Set([phone, national, `+31${rest}`, `0031${rest}`])];
}
