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
