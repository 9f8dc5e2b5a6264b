import { detectPersonalData, passesElevenTest } from './personal-data';

describe('personal data in a question note', () => {
  test('the eleven-test accepts valid BSNs and rejects others', () => {
    expect(passesElevenTest('111222333')).toBe(true);
    expect(passesElevenTest('123456782')).toBe(true);
    expect(passesElevenTest('123456789')).toBe(false);
    expect(passesElevenTest('000000000')).toBe(false);
    expect(passesElevenTest('12345678')).toBe(false);
  });

  test.each([
    ['BSN 123456782', 'bsn'],
    ['bsn: 123.456.782 graag bellen', 'bsn'],
    ['nummer 1234 56 782', 'bsn'],
    ['brief van 2024 123456782', 'bsn'],
    ['111 222 333', 'bsn'],
    ['mail jan.jansen@example.nl even', 'email'],
    ['JAN@VOORBEELD.COM', 'email'],
    ['bel 06-12345678', 'phone'],
    ['06 1234 5678', 'phone'],
    ['0612345678', 'phone'],
    ['020-1234567 na 17 uur', 'phone'],
    ['(020) 123 45 67', 'phone'],
    ['+31 6 12345678', 'phone'],
    ['+44 20 7946 0958', 'phone'],
    ['0031 6 1234 5678', 'phone'],
    ['06 1234 5678 2x gebeld', 'phone'],
  ])('%s → %s', (text, kind) => {
    expect(detectPersonalData(text)).toBe(kind);
  });

  test.each([
    '2 brieven van 2024',
    'Aangifte 2025 samen gedaan, 3 vragen over box 3',
    '€ 1.250,00 terug te betalen in 12 termijnen',
    'afspraak op 12-03-2026 om 10:30',
    'verwezen naar de Digihulplijn 0800-1508',
    'brief met kenmerk 123456789', // nine digits, but not a BSN (fails the eleven-test)
    'Zoë heeft 4 apps geïnstalleerd 👍',
    '',
  ])('accepts "%s"', (text) => {
    expect(detectPersonalData(text)).toBeNull();
  });
});

describe('personal data hidden by other scripts or invisible characters (security review)', () => {
  test.each([
    ['BSN ١٢٣٤٥٦٧٨٢', 'bsn'], // Arabic-Indic digits, as an Arabic keyboard types them
    ['BSN ۱۲۳۴۵۶۷۸۲', 'bsn'], // Extended Arabic-Indic (Persian, Urdu)
    ['BSN １２３４５６７８２', 'bsn'], // full-width digits from a Japanese or Chinese keyboard
    ['BSN 1234\u200b56782', 'bsn'], // a zero-width space inside the number
    ['bel 06\u00ad12345678', 'phone'], // a soft hyphen
    ['bel ٠٦١٢٣٤٥٦٧٨', 'phone'],
    ['mail jan＠example.nl', 'email'], // full-width at sign
    ['mail jan@exam\u200bple.nl', 'email'],
  ])('%j → %s', (text, kind) => {
    expect(detectPersonalData(text)).toBe(kind);
  });

  test.each(['مرحبا، سؤال over DigiD app ✅', '２ brieven', 'e\u0301e\u0301n vraag'])('still accepts %j', (text) => {
    expect(detectPersonalData(text)).toBeNull();
  });
});

describe('bank account numbers (IBAN) are personal data too (security review)', () => {
  test.each([
    ['rekening NL91ABNA0417164300', 'iban'],
    ['NL91 ABNA 0417 1643 00 voor de toeslag', 'iban'],
    ['nl91abna0417164300', 'iban'],
    ['BE68 5390 0754 7034', 'iban'],
  ])('%j → %s', (text, kind) => {
    expect(detectPersonalData(text)).toBe(kind);
  });

  test.each(['BE68 5390 0754 7035', 'formulier NL12 ingevuld', 'code AB12CDEF', 'DE12 aanvraag toeslag en huurtoeslag ingevuld'])('a look-alike that fails the check (%j) is fine', (text) => {
    expect(detectPersonalData(text)).toBeNull();
  });
});
