import { evaluationStateLabels, isScoringRole, panelRoleLabels } from '@chorus/shared';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useApiQuery } from '../../api/useApiQuery.ts';
import { Link } from '../../routes/Link.tsx';
import { Button } from '../../ui/Button.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { Loading } from '../../ui/Loading.tsx';
import { PageHeading } from '../../ui/PageHeading.tsx';
import { ProblemPanel } from '../../ui/ProblemPanel.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { useAction } from '../../ui/useAction.ts';
import { useDocumentTitle } from '../../ui/useDocumentTitle.ts';
import { type DocumentInfo, getDocument } from '../documents/documentsApi.ts';
import { BidsSection } from './BidsSection.tsx';
import { ChangeChair } from './ChangeChair.tsx';
import { DeclarationForm, DeclarationsRegister } from './Declarations.tsx';
import {
  allowConflict,
  changeChair,
  declare,
  type EvaluationView,
  getEvaluation,
  openModeration,
  revealNames,
  saveAgreed,
  saveEntry,
  saveSetup,
  signOff,
  startRound,
  startScoring,
  submitScores,
} from './evaluationApi.ts';
import { ModerationView } from './ModerationView.tsx';
import { ScoreSheet } from './ScoreSheet.tsx';
import { SetupForm } from './SetupForm.tsx';
import { useEvaluationEvents } from './useEvaluationEvents.ts';
import './evaluation.css';

async function load(documentId: string): Promise<{ info: DocumentInfo; view: EvaluationView }> {
  const [info, view] = await Promise.all([getDocument(documentId), getEvaluation(documentId)]);
  return { info, view };
}

const stageExplained = {
  setup:
    'The chair or an owner sets the criteria, weights, bids and panel. They are fixed once scoring starts.',
  scoring:
    'Each evaluator scores alone, with a written rationale for every score. Nobody sees anyone else’s scores until moderation opens.',
  moderation:
    'Individual scores are frozen and the whole panel can see them, with their rationales, to agree one score for each criterion of each bid.',
  signed_off: 'The chair has signed off the evaluation. Its scores are locked.',
} as const;

/**
 * How often the page asks for others' progress: every few seconds while it cannot follow
 * the evaluation's event stream, and now and then while it can (in case a notice was lost).
 */
const POLL_MS = 5000;
const LIVE_POLL_MS = 60_000;

/** A procurement evaluation's scoring: set-up, individual scoring and moderation. */
export function EvaluationPage({ documentId }: { documentId: string }) {
  const { state, setData } = useApiQuery(documentId, load);
  const latest = useRef(state);
  latest.current = state;
  // Counts this person's own changes, so a poll answer older than one is dropped.
  const localChanges = useRef(0);
  // When this person's action moved the stage on, its button is gone: focus goes to the new
  // stage's words. A stage moved by someone else (seen by polling) leaves focus alone.
  const stageRef = useRef<HTMLParagraphElement>(null);
  const focusOnStageChange = useRef(false);
  const stage = state.status === 'ready' ? state.data.view.evaluation.state : null;
  const shownStage = useRef(stage);
  useEffect(() => {
    if (shownStage.current !== null && stage !== null && stage !== shownStage.current) {
      if (focusOnStageChange.current) stageRef.current?.focus();
    }
    focusOnStageChange.current = false;
    if (stage !== null) shownStage.current = stage;
  }, [stage]);

  /** Shows a newer view; never turns the page into an error, so nothing typed is lost. */
  // Someone else moved the evaluation on (a new stage or round): held back until the person
  // chooses to see it, so forms they are filling in do not vanish under them.
  const [movedOn, setMovedOn] = useState<EvaluationView | null>(null);
  const polls = useRef({ asked: 0, shown: 0 });
  const refresh = useCallback(async () => {
    const asked = localChanges.current;
    const poll = ++polls.current.asked;
    try {
      const view = await getEvaluation(documentId);
      const now = latest.current;
      // An answer older than one's own change, or than a later poll's, is stale.
      if (asked !== localChanges.current || poll < polls.current.shown) return;
      polls.current.shown = poll;
      if (now.status !== 'ready') return;
      const shown = now.data.view.evaluation;
      if (view.evaluation.state !== shown.state || view.evaluation.round !== shown.round) {
        setMovedOn(view);
      } else {
        setData({ info: now.data.info, view });
      }
    } catch {
      // The next poll tries again; a signed-out session is caught by the next action.
    }
  }, [documentId, setData]);
  // Others' progress (submissions, agreed scores, stages, bids' questions) appears as it
  // happens: the server says when anything changed, and the page fetches it again.
  const [pushed, setPushed] = useState(0);
  const live = useEvaluationEvents(documentId, () => {
    setPushed((n) => n + 1);
    void refresh();
  });
  useEffect(() => {
    if (stage === null) return;
    const timer = setInterval(
      () => {
        if (document.visibilityState === 'visible') void refresh();
      },
      live ? LIVE_POLL_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [stage, refresh, live]);
  useDocumentTitle(
    state.status === 'ready'
      ? `Scoring of ${state.data.info.document.title}`
      : state.status === 'error'
        ? 'Scoring not available'
        : 'Loading the scoring',
  );
  if (state.status === 'loading') return <Loading label="Loading the scoring…" />;
  if (state.status === 'error') {
    return (
      <>
        <PageHeading>Scoring not available</PageHeading>
        <ProblemPanel message={state.error.message} />
      </>
    );
  }
  const { info, view } = state.data;
  const update = (next: EvaluationView) => {
    localChanges.current++;
    setMovedOn(null);
    focusOnStageChange.current = next.evaluation.state !== view.evaluation.state;
    setData({ info, view: next });
  };
  const { evaluation, me } = view;
  const id = info.document.id;
  const mine = evaluation.declarations.find((d) => d.userId === me.userId);
  const needsDeclaration =
    me.panelRole !== null &&
    (evaluation.state === 'scoring' || evaluation.state === 'moderation') &&
    (mine === undefined || me.mustDeclareAgain);
  const namesHidden = evaluation.setup.anonymous === true && evaluation.namesRevealedAt === null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href={`/documents/${id}`}>Back to {info.document.title}</Link>
      </nav>
      <PageHeading>Scoring of {info.document.title}</PageHeading>
      <p className="lede" tabIndex={-1} ref={stageRef}>
        Stage: <strong>{evaluationStateLabels[evaluation.state]}</strong>.{' '}
        {stageExplained[evaluation.state]}
      </p>
      {me.panelRole ? (
        <p>Your panel role: {panelRoleLabels[me.panelRole]}.</p>
      ) : (
        <p>You are not on the panel; as an owner of the document you can follow the evaluation.</p>
      )}
      {evaluation.state === 'signed_off' ? null : (
        <p>
          {live
            ? 'What others do here (declarations, submissions, agreed scores, questions) appears as they do it.'
            : 'What others do here appears within a few seconds.'}
        </p>
      )}

      {movedOn ? (
        <div className="evaluation-moved" role="alert">
          <p>
            {movedOn.evaluation.round !== evaluation.round &&
            movedOn.evaluation.state === evaluation.state
              ? `The chair has started moderation round ${movedOn.evaluation.round}.`
              : `The evaluation has moved on to: ${evaluationStateLabels[movedOn.evaluation.state]}.`}{' '}
            Anything not yet saved on this page can no longer be saved here: copy it first if you
            need it.
          </p>
          <Button
            onClick={() => {
              focusOnStageChange.current = true;
              setData({ info, view: movedOn });
              setMovedOn(null);
              // The same stage with a new round: focus the words that say so.
              if (movedOn.evaluation.state === evaluation.state) stageRef.current?.focus();
            }}
          >
            Show the evaluation as it is now
          </Button>
        </div>
      ) : null}

      <PanelList view={view} onRefresh={refresh} />

      {namesHidden && evaluation.state !== 'setup' ? (
        me.panelRole === 'chair' ? (
          <RevealNames onReveal={async () => update(await revealNames(id))} />
        ) : (
          <p className="section">
            The panel scores without the bidders’ names: the bids are called “Bid A”, “Bid B” and so
            on until the chair reveals the names.
          </p>
        )
      ) : null}

      {evaluation.state === 'setup' ? (
        me.canManage ? (
          <section aria-labelledby="setup-heading" className="section">
            <h2 id="setup-heading">Set-up</h2>
            <SetupForm view={view} onSave={async (input) => update(await saveSetup(id, input))} />
            <StartScoring view={view} onStart={async () => update(await startScoring(id))} />
          </section>
        ) : (
          <p className="section">
            The chair is setting up the evaluation. Scoring opens here when they start it.
          </p>
        )
      ) : null}

      {needsDeclaration ? (
        <DeclarationForm
          view={view}
          onDeclare={async (input) => {
            update(await declare(id, input));
            // The form is gone once signed: take focus to the register that now lists it.
            requestAnimationFrame(() => document.getElementById('register-heading')?.focus());
          }}
        />
      ) : null}
      {me.panelRole !== null && !me.clear && !needsDeclaration && evaluation.state !== 'setup' ? (
        <p className="section inline-alert">
          {mine
            ? 'You declared a conflict of interest, so you cannot score or see anyone’s scores unless the chair records an exception and how the conflict is mitigated.'
            : 'You made no declaration of interests before the evaluation was signed off, so you cannot see its scores.'}
        </p>
      ) : null}

      <DeclarationsRegister
        view={view}
        onAllow={async (userId, mitigation, declaredAt) =>
          update(await allowConflict(id, userId, mitigation, declaredAt))
        }
      />

      {/* As the server allows: managers while setting up, then whoever may see scores. */}
      {(evaluation.state === 'setup' ? me.canManage : me.panelRole === null || me.clear) ? (
        <BidsSection
          documentId={id}
          stage={evaluation.state}
          version={`${evaluation.state} ${evaluation.round} ${evaluation.setup.bids.map((b) => `${b.id}:${b.bidder}`).join(' ')}`}
          pushed={pushed}
          live={live}
        />
      ) : null}

      {evaluation.state === 'scoring' && isScoringRole(me.panelRole) && me.clear ? (
        <ScoreSheet
          view={view}
          onSave={async (bidId, criterionId, input) =>
            update(await saveEntry(id, bidId, criterionId, input))
          }
          onSubmit={async () => update(await submitScores(id))}
        />
      ) : null}

      {evaluation.state === 'scoring' && me.panelRole === 'chair' ? (
        <OpenModeration
          view={view}
          onOpen={async (reason) => update(await openModeration(id, reason))}
        />
      ) : null}

      {view.moderation ? (
        <>
          {evaluation.overrideReason ? (
            <p className="section">
              The chair opened moderation before every evaluator had submitted, because:{' '}
              {evaluation.overrideReason}
            </p>
          ) : null}
          <ModerationView
            view={view}
            moderation={view.moderation}
            documentId={id}
            onAgree={async (bidId, criterionId, input) => {
              const next = await saveAgreed(id, bidId, criterionId, input);
              update(next);
              return next.moderation?.agreed.find(
                (a) => a.bidId === bidId && a.criterionId === criterionId,
              );
            }}
            onSignOff={async () => update(await signOff(id))}
            onNewRound={async (reason) => update(await startRound(id, reason))}
          />
        </>
      ) : null}

      {info.permission === 'owner' && evaluation.state !== 'setup' ? (
        <ChangeChair
          view={view}
          onChange={async (userId, reason) => update(await changeChair(id, userId, reason))}
        />
      ) : null}
    </>
  );
}

/** Who is on the panel and, while scoring, who has submitted (never what they scored). */
function PanelList({ view, onRefresh }: { view: EvaluationView; onRefresh: () => void }) {
  const { panel, submitted, state } = view.evaluation;
  if (panel.length === 0) return null;
  return (
    <section aria-labelledby="panel-heading" className="section">
      <h2 id="panel-heading">Panel</h2>
      <ul className="evaluation-panel">
        {panel.map((m) => (
          <li key={m.userId}>
            {m.name}: {panelRoleLabels[m.panelRole]}
            {state !== 'setup' && isScoringRole(m.panelRole)
              ? submitted.includes(m.userId)
                ? ', has submitted'
                : state === 'scoring'
                  ? ', has not submitted yet'
                  : ', did not submit before moderation opened'
              : ''}
          </li>
        ))}
      </ul>
      {state === 'scoring' ? (
        <Button variant="secondary" onClick={onRefresh}>
          Check for new submissions
        </Button>
      ) : null}
    </section>
  );
}

function StartScoring({ view, onStart }: { view: EvaluationView; onStart: () => Promise<void> }) {
  const { busy, problem, run } = useAction();
  const { problems } = view.evaluation;
  const start = () => run(onStart, 'Starting failed. Try again.');
  return (
    <section aria-labelledby="start-heading" className="section panel stack">
      <h3 id="start-heading">Start scoring</h3>
      {problems.length > 0 ? (
        <>
          <p>Before scoring can start (as saved so far):</p>
          <ul>
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>
          The saved set-up is complete. Once scoring starts, the criteria, weights, bids and panel
          cannot change.
        </p>
      )}
      {problem ? <FormError message={problem} headingLevel={4} /> : null}
      {problems.length === 0 ? (
        <div>
          <Button onClick={start} busy={busy}>
            Start scoring
          </Button>
        </div>
      ) : null}
    </section>
  );
}

/**
 * The chair reveals the bidders' names of an evaluation scored without them, confirmed
 * first: it cannot be undone, and everyone then declares again.
 */
function RevealNames({ onReveal }: { onReveal: () => Promise<void> }) {
  return (
    <section aria-labelledby="reveal-heading" className="section panel stack">
      <h2 id="reveal-heading">Reveal the bidders’ names</h2>
      <p>
        The panel sees the bids as “Bid A”, “Bid B” and so on. Reveal the names once the scoring
        that should be done without them is done. Everyone on the panel, you included, then declares
        their interests again, with the names, before going on.
      </p>
      <ConfirmAction
        trigger="Reveal the names"
        question="Reveal the bidders’ names to the panel now? This cannot be undone."
        confirmLabel="Yes, reveal them"
        onConfirm={onReveal}
      />
    </section>
  );
}

/** The chair opens moderation; before everyone has submitted, only with a recorded reason. */
function OpenModeration({
  view,
  onOpen,
}: {
  view: EvaluationView;
  onOpen: (reason: string | undefined) => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const { busy, problem, setProblem, run } = useAction();
  // As the server counts: a member kept out by a declared conflict is not waited for.
  const keptOut = new Set(
    view.evaluation.declarations
      .filter((d) => d.conflict && d.exception === null)
      .map((d) => d.userId),
  );
  const waiting = view.evaluation.panel.filter(
    (m) =>
      isScoringRole(m.panelRole) &&
      !view.evaluation.submitted.includes(m.userId) &&
      !keptOut.has(m.userId),
  );
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (waiting.length > 0 && reason.trim() === '') {
      setProblem('Give the reason moderation cannot wait for everyone to submit.');
      return;
    }
    await run(async () => {
      await onOpen(waiting.length > 0 ? reason : undefined);
    }, 'Opening moderation failed. Try again.');
  };
  return (
    <section aria-labelledby="moderation-heading" className="section panel">
      <h2 id="moderation-heading">Open moderation</h2>
      <form className="stack" onSubmit={onSubmit} noValidate aria-label="Open moderation">
        {waiting.length === 0 ? (
          <p>
            Every evaluator has submitted. Opening moderation freezes their scores and shows them to
            the panel.
          </p>
        ) : (
          <p>
            Still to submit: {waiting.map((m) => m.name).join(', ')}. Moderation normally waits for
            everyone. To open it now, record why: their unsubmitted scores will not be shown or
            counted.
          </p>
        )}
        {problem ? <FormError message={problem} headingLevel={3} /> : null}
        {waiting.length > 0 ? (
          <TextAreaField
            id="moderation-reason"
            label="Why moderation cannot wait"
            value={reason}
            onChange={setReason}
            rows={3}
          />
        ) : null}
        <div>
          <Button type="submit" busy={busy}>
            Open moderation
          </Button>
        </div>
      </form>
    </section>
  );
}
