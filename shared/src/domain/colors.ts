/**
 * Caret and presence colours. Each has at least 4.5:1 contrast against white so a
 * name label in white text on it stays readable (WCAG 2.2 AA).
 */
export const personColors = [
  '#1d4ed8',
  '#b91c1c',
  '#047857',
  '#7c3aed',
  '#b45309',
  '#be185d',
  '#0f766e',
  '#4d7c0f',
  '#9333ea',
  '#c2410c',
] as const;

/** A stable colour for an account, so a person keeps the same colour everywhere. */
export function colorForId(id: string): string {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  const index = (hash >>> 0) % personColors.length;
  return personColors[index] ?? personColors[0];
}
