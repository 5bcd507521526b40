/**
 * Masks a phone number for logs and lists: keeps the country prefix and the last 3 digits
 * ("+39 *** ***4567" style), so people can recognise a caller without the log holding the number.
 */
export function maskPhone(value: string | null | undefined): string {
  if (!value) return '';
  const digits = value.replace(/[^\d+]/g, '');
  if (digits.length < 6) return '***';
  return `${digits.slice(0, 3)}***${digits.slice(-3)}`;
}
