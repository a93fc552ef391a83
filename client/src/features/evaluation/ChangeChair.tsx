import { changeChairInputSchema, isScoringRole } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { useAction } from '../../ui/useAction.ts';
import type { EvaluationView } from './evaluationApi.ts';

/**
 * An owner appoints a new chair once scoring has started, for example when the chair has
 * left: without one nobody can open moderation or sign off. The reason goes in the audit log.
 */
export function ChangeChair({
  view,
  onChange,
}: {
  view: EvaluationView;
  onChange: (userId: string, reason: string) => Promise<void>;
}) {
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const { busy, problem, setProblem, run } = useAction();
  const [saved, setSaved] = useState(false);
  const { panel } = view.evaluation;
  const chair = panel.find((m) => m.panelRole === 'chair');
  // As the server allows: not the chair, not a scorer, not someone with a declared conflict,
  // not oneself.
  const conflicted = new Set(
    view.evaluation.declarations.filter((d) => d.conflict).map((d) => d.userId),
  );
  const choices = view.candidates.filter(
    (c) =>
      c.userId !== chair?.userId &&
      c.userId !== view.me.userId &&
      !conflicted.has(c.userId) &&
      !isScoringRole(panel.find((m) => m.userId === c.userId)?.panelRole),
  );

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setSaved(false);
    const parsed = changeChairInputSchema.safeParse({ userId, reason });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Choose the new chair and say why.');
      return;
    }
    await run(async () => {
      await onChange(parsed.data.userId, parsed.data.reason);
      setSaved(true);
      setUserId('');
      setReason('');
    }, 'Saving failed. Try again.');
  };

  return (
    <section aria-labelledby="change-chair-heading" className="section">
      <h2 id="change-chair-heading">Appoint a new chair</h2>
      <p>
        {chair ? `The chair is ${chair.name}.` : 'The panel has no chair.'} As an owner of the
        document you can appoint someone else, for example if the chair has left. People who score
        on this panel cannot chair it; the previous chair becomes an observer.
      </p>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Appoint a new chair">
        {problem ? <FormError message={problem} headingLevel={3} /> : null}
        <SelectField
          label="New chair"
          value={userId}
          placeholder="Choose a person"
          onChange={setUserId}
          options={choices.map((c) => ({ value: c.userId, label: c.name }))}
        />
        <TextAreaField label="Why the chair changes" value={reason} onChange={setReason} rows={2} />
        <div className="button-row">
          <Button type="submit" variant="secondary" busy={busy}>
            Appoint as chair
          </Button>
          {/* Always there, so screen readers announce the text when it appears. */}
          <p role="status" className="evaluation-saved">
            {saved ? 'New chair appointed.' : ''}
          </p>
        </div>
      </form>
    </section>
  );
}
