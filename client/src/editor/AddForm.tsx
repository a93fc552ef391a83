import { type ReactNode, useId, useState } from 'react';

/** What an add form's submit did: a problem to show, or what was added, to say. */
export type AddOutcome = { problem: string } | { added: string };

/**
 * The small form at the foot of a structured block that adds a child (an action, a piece
 * of evidence, a decision...): a group rather than a form element (a form inside the
 * editor would nest forms), its problem in an alert tied to the fields, and what was
 * added said in a status line. The fields keep what was typed when there is a problem.
 */
export function AddForm({
  legend,
  className,
  submitLabel,
  onSubmit,
  children,
}: {
  legend: string;
  className: string;
  submitLabel: string;
  onSubmit: () => AddOutcome;
  /** The fields, given the id of the problem's message while there is one. */
  children: (describedBy: string | undefined) => ReactNode;
}) {
  const errorId = useId();
  const [problem, setProblem] = useState<string | null>(null);
  const [added, setAdded] = useState('');
  const submit = () => {
    const outcome = onSubmit();
    if ('problem' in outcome) {
      setProblem(outcome.problem);
      return;
    }
    setProblem(null);
    setAdded(outcome.added);
  };
  return (
    <fieldset
      className={className}
      onKeyDown={(e) => {
        // Enter adds from a one-line field, as in a form; a text area keeps its new lines.
        if (
          e.key === 'Enter' &&
          e.target instanceof HTMLInputElement &&
          e.target.type !== 'radio'
        ) {
          e.preventDefault();
          submit();
        }
      }}
    >
      <legend>{legend}</legend>
      {children(problem ? errorId : undefined)}
      {problem ? (
        <p id={errorId} className="field__error" role="alert">
          {problem}
        </p>
      ) : null}
      <button type="button" className="button button--secondary" onClick={submit}>
        {submitLabel}
      </button>
      <p className="add-form__added" role="status">
        {added}
      </p>
    </fieldset>
  );
}
