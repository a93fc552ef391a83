import {
  bidLabel,
  conflictExceptionInputSchema,
  conflictLotsInWords,
  type DeclarationInput,
  type DeclarationMade,
  declarationInputSchema,
  declarationMadeInWords,
  type EvaluationSetup,
} from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { useAction } from '../../ui/useAction.ts';
import type { EvaluationView } from './evaluationApi.ts';

/**
 * A panel member's declaration of interests and confidentiality, made once the bidders are
 * fixed and before scoring or seeing anyone's scores. What was typed stays if it is refused.
 */
export function DeclarationForm({
  view,
  onDeclare,
}: {
  view: EvaluationView;
  onDeclare: (input: DeclarationInput) => Promise<void>;
}) {
  const { setup } = view.evaluation;
  const lots = setup.lots ?? [];
  // Declaring again (once the names are known) starts from what was declared before: a
  // conflict and its lots stay on record, so the form must not quietly widen them.
  const earlier = view.evaluation.declarations.find((d) => d.userId === view.me.userId);
  const [confidential, setConfidential] = useState(false);
  const [conflict, setConflict] = useState<'' | 'no' | 'yes'>(earlier?.conflict ? 'yes' : '');
  const [details, setDetails] = useState(earlier?.conflict ? earlier.details : '');
  // The lots the conflict concerns: as declared before, or all of them until the member
  // says otherwise.
  const [conflictLots, setConflictLots] = useState<string[]>(() =>
    earlier?.conflict && earlier.lots?.length ? [...earlier.lots] : lots.map((l) => l.id),
  );
  const { busy, problem, setProblem, run } = useAction();
  const bidders = setup.bids.map((b) => bidLabel(setup, b)).join(', ');
  const hidden = setup.anonymous === true && view.evaluation.namesRevealedAt === null;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (conflict === '') {
      setProblem('Say whether you have a conflict of interest with any bidder.');
      return;
    }
    if (conflict === 'yes' && lots.length > 0 && conflictLots.length === 0) {
      setProblem('Tick the lots your conflict concerns: at least one.');
      return;
    }
    const parsed = declarationInputSchema.safeParse({
      confidential,
      conflict: conflict === 'yes',
      details,
      lots: conflict === 'yes' && lots.length > 0 ? conflictLots : null,
    });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Check your declaration.');
      return;
    }
    await run(async () => {
      await onDeclare(parsed.data);
    }, 'Saving failed. Try again.');
  };

  return (
    <section aria-labelledby="declaration-heading" className="section panel">
      <h2 id="declaration-heading">Your declaration</h2>
      {hidden ? (
        <p>
          Before you score or see anyone’s scores, confirm you will keep the evaluation
          confidential, and declare any conflict of interest you know of, for example with an
          organisation likely to have bid. The bidders’ names are hidden for now: once the chair
          reveals them, you declare again with them.
        </p>
      ) : (
        <p>
          {view.me.mustDeclareAgain
            ? 'The chair has revealed the bidders’ names, so declare again before you go on (your first declaration stays on record): '
            : 'Before you score or see anyone’s scores, '}
          say whether you have any conflict of interest with the bidders ({bidders}) and confirm you
          will keep the evaluation confidential. A conflict is, for example, working or having
          worked for a bidder, or a close relative who does.
        </p>
      )}
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Your declaration">
        {problem ? <FormError message={problem} headingLevel={3} /> : null}
        <div className="checkbox">
          <input
            type="checkbox"
            id="declaration-confidential"
            checked={confidential}
            onChange={(event) => setConfidential(event.target.checked)}
          />
          <label htmlFor="declaration-confidential">
            I will keep the bids, scores and discussions confidential
          </label>
        </div>
        <RadioGroup
          legend="Do you have a conflict of interest with any bidder?"
          name="declaration-conflict"
          id="declaration-conflict"
          options={[
            { value: 'no', label: 'No' },
            { value: 'yes', label: 'Yes' },
          ]}
          value={conflict}
          onChange={setConflict}
        />
        {conflict === 'yes' ? (
          <TextAreaField
            id="declaration-details"
            label="Describe the conflict"
            hint="Which bidder, and your link to it. The chair decides whether you can still take part."
            value={details}
            onChange={setDetails}
            rows={3}
          />
        ) : null}
        {conflict === 'yes' && lots.length > 0 ? (
          <fieldset className="field checkboxes" aria-describedby="declaration-lots-hint">
            <legend className="field__label">Which lots does the conflict concern?</legend>
            <p className="field__hint" id="declaration-lots-hint">
              You stay out of those lots only: you score and see the scores of the others. Once
              declared, a lot stays on record.
            </p>
            {lots.map((l) => (
              <div className="checkbox" key={l.id}>
                <input
                  type="checkbox"
                  id={`declaration-lot-${l.id}`}
                  checked={conflictLots.includes(l.id)}
                  onChange={(event) =>
                    setConflictLots((now) =>
                      event.target.checked
                        ? lots.map((x) => x.id).filter((x) => x === l.id || now.includes(x))
                        : now.filter((x) => x !== l.id),
                    )
                  }
                />
                <label htmlFor={`declaration-lot-${l.id}`}>{l.name}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
        <div>
          <Button type="submit" busy={busy}>
            Sign the declaration
          </Button>
        </div>
      </form>
    </section>
  );
}

/** The chair lets a member with a declared conflict take part, saying how it is mitigated. */
function ExceptionForm({
  name,
  declaredAt,
  onAllow,
}: {
  name: string;
  /** When the declaration shown was made: the exception is for that one. */
  declaredAt: number;
  onAllow: (mitigation: string, declaredAt: number) => Promise<void>;
}) {
  const [mitigation, setMitigation] = useState('');
  const { busy, problem, setProblem, run } = useAction();
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const parsed = conflictExceptionInputSchema.safeParse({ mitigation, declaredAt });
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message ?? 'Say how the conflict is mitigated.');
      return;
    }
    await run(async () => {
      await onAllow(parsed.data.mitigation, parsed.data.declaredAt);
    }, 'Saving failed. Try again.');
  };
  return (
    <form className="stack" onSubmit={onSubmit} noValidate aria-label={`Exception for ${name}`}>
      {problem ? <FormError message={problem} headingLevel={3} /> : null}
      <TextAreaField
        label={`How ${name}’s conflict is mitigated`}
        hint="Recording it lets them score and see scores. It is kept in the record and the audit log."
        value={mitigation}
        onChange={setMitigation}
        rows={2}
      />
      <div>
        <Button type="submit" variant="secondary" busy={busy}>
          Let {name} take part
        </Button>
      </div>
    </form>
  );
}

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short' });
const formatWhen = (at: number) => dateTime.format(new Date(at));

/**
 * Every declaration a member made, oldest first and in words ("First declared on 3 March
 * 2026 at 10:04, before the bidders’ names were known: no conflict."), so the register
 * keeps the one made before the names were known beside the one that counts now.
 */
function DeclarationHistory({
  name,
  history,
  firstDeclaredAt,
  setup,
  namesRevealedAt,
}: {
  name: string;
  history: readonly DeclarationMade[];
  /** When they first declared, which can be before the oldest kept (see below). */
  firstDeclaredAt: number | undefined;
  setup: EvaluationSetup;
  namesRevealedAt: number | null;
}) {
  // Declarations made before every one was kept left only their latest content: the oldest
  // kept is then not the first, and is not called so.
  const first = (d: DeclarationMade, i: number) =>
    i === 0 && (firstDeclaredAt === undefined || d.declaredAt <= firstDeclaredAt);
  const labelId = `declarations-made-${history[0]?.userId ?? ''}`;
  return (
    <div className="evaluation-declarations-made">
      <p id={labelId}>
        Every declaration {name} made, oldest first (the last is their current one):
      </p>
      <ol aria-labelledby={labelId}>
        {history.map((d, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the record only grows at its end, and two declarations can share a millisecond
          <li key={i}>
            {declarationMadeInWords(setup, namesRevealedAt, d, first(d, i), formatWhen)}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The panel's register of declarations; the chair records exceptions for conflicts. */
export function DeclarationsRegister({
  view,
  onAllow,
}: {
  view: EvaluationView;
  onAllow: (userId: string, mitigation: string, declaredAt: number) => Promise<void>;
}) {
  const { declarations, panel, state, setup } = view.evaluation;
  if (state === 'setup') return null;
  // In an evaluation scored without names: whether a declaration came before the names
  // were revealed (and must be made again), or was made again after.
  const revealedAt = view.evaluation.namesRevealedAt;
  const namesSince = (d: (typeof declarations)[number] | undefined) => {
    if (!setup.anonymous || revealedAt === null || !d) return null;
    if (d.declaredAt < revealedAt) return 'outdated';
    return (d.firstDeclaredAt ?? d.declaredAt) < revealedAt ? 'again' : null;
  };
  const lotsOf = (d: (typeof declarations)[number]) =>
    setup.lots?.length ? ` with ${conflictLotsInWords(setup, d)}` : '';
  const isChair = view.me.panelRole === 'chair';
  const declarationOf = new Map(declarations.map((d) => [d.userId, d]));
  return (
    <section aria-labelledby="register-heading" className="section">
      {/* Focus lands here once one's own declaration is signed and its form goes. */}
      <h2 id="register-heading" tabIndex={-1}>
        Declarations of interests
      </h2>
      <ul className="evaluation-panel">
        {panel.map((m) => {
          const d = declarationOf.get(m.userId);
          return (
            <li key={m.userId}>
              {m.name}
              {namesSince(d) === 'again'
                ? ' (declared before the names were known, and again with them)'
                : namesSince(d) === 'outdated'
                  ? ' (declared before the names were known; must declare again with them)'
                  : ''}
              :{' '}
              {!d
                ? 'not declared yet'
                : !d.conflict
                  ? 'no conflict declared'
                  : d.exception
                    ? `declared a conflict${lotsOf(d)} (${d.details}); the chair allowed them to take part: ${d.exception.mitigation}`
                    : `declared a conflict${lotsOf(d)} (${d.details}); kept out of scoring${setup.lots?.length ? ' in those lots' : ''} until the chair records an exception`}
              {d && d.history.length > 1 ? (
                <DeclarationHistory
                  name={m.name}
                  history={d.history}
                  firstDeclaredAt={d.firstDeclaredAt}
                  setup={setup}
                  namesRevealedAt={revealedAt}
                />
              ) : null}
              {isChair && d?.conflict && !d.exception && m.userId !== view.me.userId ? (
                <ExceptionForm
                  name={m.name}
                  declaredAt={d.declaredAt}
                  onAllow={(mitigation, declaredAt) => onAllow(m.userId, mitigation, declaredAt)}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
