/**
 * Caret and presence colours. Each has at least 4.5:1 contrast against white so a
 * name label in white text on it stays readable (WCAG 2.2 AA). Ordered so that the
 * first few, which small groups get, are the easiest to tell apart.
 */
export const personColors = [
  '#1d4ed8', // blue
  '#b91c1c', // red
  '#047857', // green
  '#7c3aed', // violet
  '#c2410c', // orange
  '#0e7490', // cyan
  '#be185d', // pink
  '#4d7c0f', // olive
  '#854d0e', // brown
  '#a21caf', // magenta
] as const;

/**
 * The colour of a workspace member's colour slot. The server gives each new member the
 * slot fewest members hold, so people who work together get different colours.
 */
export function colorForSlot(slot: number): string {
  const index =
    ((Math.trunc(slot) % personColors.length) + personColors.length) % personColors.length;
  return personColors[index] ?? personColors[0];
}

/**
 * A stable colour for an account outside any workspace (a former member's credit, or
 * one's own colour before opening a document), so a person keeps one colour there.
 */
export function colorForId(id: string): string {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return colorForSlot(hash >>> 0);
}
