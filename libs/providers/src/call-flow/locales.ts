/** Two-letter language -> the BCP-47 locale providers use for text-to-speech and speech recognition. */
const LOCALES: Record<string, string> = {
  it: 'it-IT',
  en: 'en-GB',
  es: 'es-ES',
  ro: 'ro-RO',
  fr: 'fr-FR',
  de: 'de-DE',
  pt: 'pt-PT',
  nl: 'nl-NL',
  pl: 'pl-PL',
  sv: 'sv-SE',
  da: 'da-DK',
  ja: 'ja-JP',
  zh: 'zh-CN',
  uk: 'uk-UA',
  el: 'el-GR',
};

export function localeOf(language: string): string {
  return LOCALES[language] ?? `${language}-${language.toUpperCase()}`;
}
