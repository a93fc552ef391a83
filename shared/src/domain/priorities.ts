/**
 * A service design's priorities, agreed by the group (typically three or four), each with
 * the evidence behind it and its "You said, we did" entry: what changed, and what did not
 * and why. Each priority is a child element of the list in the Yjs document, so two people
 * adding priorities at once both keep theirs. The design cannot be closed while a priority
 * has no entry (the server checks it when the status moves to closed).
 */
export const priorityFields = ['title', 'evidence', 'changed', 'unchanged'] as const;

export interface Priority {
  title: string;
  evidence: string;
  changed: string;
  unchanged: string;
}

/** Whether a priority has its "You said, we did" entry. */
export const hasEntry = (p: Priority) => p.changed.trim() !== '' || p.unchanged.trim() !== '';

const named = (p: Priority, i: number) =>
  p.title.trim() ? `“${p.title.trim()}”` : `priority ${i + 1}`;

/** Why the design cannot be closed yet because of its priorities, or null. */
export function closeProblem(priorities: readonly Priority[]): string | null {
  const missing = priorities.map((p, i) => (hasEntry(p) ? null : named(p, i))).filter(Boolean);
  if (missing.length === 0) return null;
  return `The design cannot be closed while a priority has no “You said, we did” entry: add what changed, or what did not and why, for ${missing.join(', ')}.`;
}

/** The list in words, e.g. "3 priorities; 1 has no “You said, we did” entry yet." */
export function describePriorities(priorities: readonly Priority[]): string {
  if (priorities.length === 0) return 'No priorities yet.';
  const total = `${priorities.length} ${priorities.length === 1 ? 'priority' : 'priorities'}`;
  const missing = priorities.filter((p) => !hasEntry(p)).length;
  if (missing === 0) return `${total}; each has its “You said, we did” entry.`;
  return `${total}; ${missing} ${missing === 1 ? 'has' : 'have'} no “You said, we did” entry yet.`;
}
