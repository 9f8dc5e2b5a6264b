/**
 * Spots personal data in the short free-text note of a question. Registration is anonymous (SPEC 2.3), so a
 * citizen service number (BSN), an e-mail address or a phone number must never be stored there. We refuse
 * the text instead of silently removing parts of it: the volunteer sees why and rephrases.
 *
 * Ordinary numbers ("2 brieven van 2024", "€ 1.250", "12-03-2026") must pass, so a number only counts as a
 * BSN when it has nine digits *and* passes the eleven-test, and as a phone number when it has the length
 * and prefix of one.
 */
export type PersonalDataKind = 'bsn' | 'email' | 'phone' | 'iban';

const EMAIL = /[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i;
// A run of digit groups joined by the separators people type inside numbers; a leading + is kept.
const NUMBER_RUN = /\+?\d(?:[ .\-/()]{0,2}\d)*/g;
// Free information numbers of organisations are not personal data; volunteers write them down on purpose.
const SERVICE_PREFIXES = ['0800', '0900', '0906', '0909'];

// Country code, two check digits, then 11 to 30 letters and digits, in groups of four as people write them.
const IBAN_CANDIDATE = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/gi;

/** ISO 13616: moved to the end, letters as numbers (A = 10 … Z = 35), the whole is 1 modulo 97. */
export function passesIbanCheck(candidate: string): boolean {
  const iban = candidate.replace(/ /g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  let rest = 0;
  for (const ch of iban.slice(4) + iban.slice(0, 4)) {
    const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest === 1;
}

/**
 * A candidate can run on into the next words ("NL91 ABNA 0417 1643 00 voor"): the IBAN is the candidate's
 * first whole groups. Every IBAN has at least ten digits, which ordinary words next to a code do not.
 */
function containsIban(candidate: string): boolean {
  const groups = candidate.trim().split(' ');
  for (let n = groups.length; n >= 1; n--) {
    const compact = groups.slice(0, n).join('');
    if ((compact.match(/\d/g) ?? []).length >= 10 && passesIbanCheck(compact)) return true;
  }
  return false;
}

/** The eleven-test ("elfproef") every BSN passes: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11. */
export function passesElevenTest(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

function looksLikePhone(digits: string, international: boolean): boolean {
  if (international) return digits.length >= 9 && digits.length <= 15;
  if (SERVICE_PREFIXES.some((p) => digits.startsWith(p))) return false;
  // Dutch numbers: 0 + 9 digits (06-12345678, 020-1234567); 00 + country code: international.
  if (digits.startsWith('00')) return digits.length >= 11 && digits.length <= 17;
  return digits.startsWith('0') && digits.length === 10;
}

/**
 * Tries every sequence of adjacent digit groups in a run, so "2024 123456782" still finds the BSN and
 * "06 1234 5678 2x" still finds the phone number, while "2 brieven van 2024" finds nothing.
 */
function kindInRun(run: string): PersonalDataKind | null {
  const international = run.startsWith('+');
  const groups = run.replace(/^\+/, '').split(/[^\d]+/).filter((g) => g.length > 0);
  for (let i = 0; i < groups.length; i++) {
    let digits = '';
    for (let j = i; j < groups.length && digits.length < 17; j++) {
      digits += groups[j];
      if (digits.length === 9 && passesElevenTest(digits)) return 'bsn';
      if (looksLikePhone(digits, international && i === 0)) return 'phone';
    }
  }
  return null;
}

/**
 * Any script's decimal digit as 0–9. Unicode keeps each script's digits in a run of ten, zero first; the
 * runs that touch each other (mathematical digits) are folded to ASCII by NFKC before this is called.
 */
function asciiDigit(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  let zero = cp;
  while (cp - zero < 9 && /\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
  return String(cp - zero);
}

/**
 * The text as the checks should see it: a BSN typed with Arabic-Indic or full-width digits, a full-width
 * @, or a number split by an invisible character (zero-width space, soft hyphen, direction mark) is still
 * the same personal data. Only the check uses this; the note is stored exactly as typed.
 */
function normaliseForChecks(text: string): string {
  return text.normalize('NFKC').replace(/\p{Cf}/gu, '').replace(/\p{Nd}/gu, asciiDigit);
}

/** The first kind of personal data found in the text, or null when the text looks safe to keep. */
export function detectPersonalData(raw: string): PersonalDataKind | null {
  const text = normaliseForChecks(raw);
  if (EMAIL.test(text)) return 'email';
  // Before phone numbers: a Dutch IBAN ends in ten digits that also look like one.
  for (const match of text.matchAll(IBAN_CANDIDATE)) if (containsIban(match[0])) return 'iban';
  for (const match of text.matchAll(NUMBER_RUN)) {
    const kind = kindInRun(match[0]);
    if (kind) return kind;
  }
  return null;
}
