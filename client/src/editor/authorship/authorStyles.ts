/**
 * Underline styles, one per author slot, so colour is never the only way to tell two
 * people's words apart (WCAG 1.4.1): people with similar colours still differ in line.
 */
export const underlineStyles = ['solid', 'dashed', 'dotted', 'double', 'wavy'] as const;
export type UnderlineStyle = (typeof underlineStyles)[number];

export const underlineLabels: Record<UnderlineStyle, string> = {
  solid: 'solid underline',
  dashed: 'dashed underline',
  dotted: 'dotted underline',
  double: 'double underline',
  wavy: 'wavy underline',
};

export function underlineFor(slot: number): UnderlineStyle {
  return underlineStyles[slot % underlineStyles.length] ?? 'solid';
}

/** Only colours of the form #rrggbb reach an inline style; anything else gets a neutral one. */
export function safeColor(color: string): string {
  return /^#[0-9a-f]{6}$/i.test(color) ? color : '#4b5563';
}

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "25 Nov 2026"; the server sends whole days in UTC. */
export function formatDay(ms: number): string {
  return dateFormat.format(new Date(ms));
}
