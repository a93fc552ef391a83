/**
 * A service design's decision log: each decision, when and by whom it was made, and the
 * evidence it rests on. Each decision is a child element of the log, so two people
 * recording decisions at once both keep theirs, each credited to whoever recorded it.
 */
/** `decisionText`, not `decision`: a PDSA cycle's `decision` is another thing. */
export const decisionFields = ['decisionText', 'decidedOn', 'decidedBy', 'basis'] as const;

export interface LoggedDecision {
  decision: string;
  basis: string;
  /** How many pieces of the document's evidence it is linked to. */
  linked?: number;
}

/** The log in words, e.g. "3 decisions; 1 does not say what evidence it rests on yet." */
export function describeDecisions(list: readonly LoggedDecision[]): string {
  if (list.length === 0) return 'No decisions recorded yet.';
  const total = `${list.length} ${list.length === 1 ? 'decision' : 'decisions'}`;
  const unbased = list.filter((d) => d.basis.trim() === '' && !d.linked).length;
  if (unbased === 0) return `${total}; each says what evidence it rests on.`;
  const verb = unbased === 1 ? 'does' : 'do';
  return `${total}; ${unbased} ${verb} not say what evidence ${unbased === 1 ? 'it rests' : 'they rest'} on yet.`;
}
