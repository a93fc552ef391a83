import type { BidsView, ClarificationAnswerView, ClarificationView } from '@chorus/shared';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { TextAreaField } from '../../ui/TextAreaField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useAction } from '../../ui/useAction.ts';
import { askClarification, recordClarificationAnswer } from './bidDocumentsApi.ts';

type Bid = BidsView['bids'][number];

const when = (ms: number) =>
  new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
/** A YYYY-MM-DD day in words ("14 March 2026"), read as the day it names wherever one is. */
const day = (d: string) =>
  new Date(`${d}T12:00:00Z`).toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'UTC' });
const today = () => new Date().toLocaleDateString('en-CA');

/** The clarification questions put to one bidder, their answers, and the forms to add them. */
export function Clarifications({
  documentId,
  bid,
  me,
  onChange,
}: {
  documentId: string;
  bid: Bid;
  me: BidsView['me'];
  onChange: (next: BidsView) => void;
}) {
  return (
    <div className="stack">
      <h4>Clarification questions</h4>
      {bid.clarifications.length === 0 ? (
        <p>No clarification questions have been asked of {bid.bidder}.</p>
      ) : (
        <ol className="bid-questions">
          {bid.clarifications.map((q, i) => (
            <li key={q.id} className="bid-questions__item stack">
              <Question question={q} number={i + 1} />
              {me.canAnswer ? (
                <AnswerForm
                  documentId={documentId}
                  bid={bid}
                  question={q}
                  number={i + 1}
                  onChange={onChange}
                />
              ) : null}
            </li>
          ))}
        </ol>
      )}
      {me.canAsk ? <AskForm documentId={documentId} bid={bid} onChange={onChange} /> : null}
    </div>
  );
}

function AnswerText({ answer, label }: { answer: ClarificationAnswerView; label: string }) {
  return (
    <>
      <p className="bid-questions__meta">
        {label}, received on {day(answer.receivedOn)}, recorded by {answer.recordedByName} on{' '}
        {when(answer.recordedAt)}
        {answer.reason ? `. Corrected because: ${answer.reason}` : ''}
      </p>
      <p className="bid-questions__text">{answer.answer}</p>
    </>
  );
}

/** A question, the current answer and, kept on record, any answers it corrected. */
function Question({ question, number }: { question: ClarificationView; number: number }) {
  const current = question.answers.at(-1);
  const earlier = question.answers.slice(0, -1).reverse();
  return (
    <>
      <p className="bid-questions__meta">
        <strong>Question {number}</strong>, asked by {question.askedByName} on{' '}
        {when(question.askedAt)}
      </p>
      <p className="bid-questions__text">{question.question}</p>
      {current ? (
        <div className="bid-questions__answer">
          <AnswerText answer={current} label="The bidder’s answer" />
          {earlier.length > 0 ? (
            <details>
              <summary>
                Earlier recorded {earlier.length === 1 ? 'answer' : 'answers'} ({earlier.length}),
                since corrected
              </summary>
              {earlier.map((a) => (
                <AnswerText key={a.id} answer={a} label="Answer since corrected" />
              ))}
            </details>
          ) : null}
        </div>
      ) : (
        <p>No answer recorded yet.</p>
      )}
    </>
  );
}

/** Per-field messages from a refusal, keyed by input id, for the summary and the fields. */
function fieldErrorsOf(error: unknown, ids: Record<string, string>) {
  const fields = error instanceof ApiError ? error.fields : {};
  return Object.entries(ids).flatMap(([field, inputId]) => {
    const message = fields[field];
    return message ? [{ field, inputId, message }] : [];
  });
}

/** The chair or an owner records the bidder's answer, or corrects the one recorded. */
function AnswerForm({
  documentId,
  bid,
  question,
  number,
  onChange,
}: {
  documentId: string;
  bid: Bid;
  question: ClarificationView;
  number: number;
  onChange: (next: BidsView) => void;
}) {
  const current = question.answers.at(-1);
  const [open, setOpen] = useState(current === undefined);
  // The answer this form replaces, as it was when the form opened: if someone records
  // another meanwhile, the server refuses this one rather than overwrite theirs unseen.
  const [basedOn, setBasedOn] = useState<string | null>(current?.id ?? null);
  const [answer, setAnswer] = useState(current?.answer ?? '');
  const [receivedOn, setReceivedOn] = useState(current?.receivedOn ?? today());
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<ReturnType<typeof fieldErrorsOf>>([]);
  const { busy, problem, run } = useAction();
  const ids = {
    answer: `answer-${question.id}`,
    receivedOn: `received-${question.id}`,
    reason: `reason-${question.id}`,
  };
  const errorFor = (field: string) => errors.find((e) => e.field === field)?.message;
  const correcting = basedOn !== null;
  // Opening the form or closing it swaps a button for a form: focus follows, so it is not
  // dropped onto the page.
  const [focusNext, setFocusNext] = useState<'form' | 'button' | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (focusNext === 'form') document.getElementById(ids.answer)?.focus();
    if (focusNext === 'button') buttonRef.current?.focus();
    if (focusNext !== null) setFocusNext(null);
  }, [focusNext, ids.answer]);

  if (!open) {
    return (
      <div>
        <Button
          variant="secondary"
          ref={buttonRef}
          onClick={() => {
            setBasedOn(current?.id ?? null);
            setAnswer(current?.answer ?? '');
            setReceivedOn(current?.receivedOn ?? today());
            setOpen(true);
            setFocusNext('form');
          }}
        >
          Correct the recorded answer<span className="visually-hidden"> to question {number}</span>
        </Button>
      </div>
    );
  }
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    let refusal: unknown = null;
    const saved = await run(async () => {
      try {
        onChange(
          await recordClarificationAnswer(documentId, bid.bidId, question.id, {
            answer,
            receivedOn,
            replaces: basedOn,
            reason: correcting ? reason : '',
          }),
        );
      } catch (error) {
        refusal = error;
        throw error;
      }
    }, 'Recording the answer failed. Try again.');
    setErrors(saved ? [] : fieldErrorsOf(refusal, ids));
    if (saved) {
      setOpen(false);
      setReason('');
      setFocusNext('button');
    }
  };
  return (
    <form
      className="stack panel"
      onSubmit={onSubmit}
      noValidate
      aria-label={`${correcting ? 'Correct the answer' : 'Record the answer'} to question ${number}`}
    >
      {problem ? (
        <FormError
          headingLevel={5}
          message={problem}
          fieldErrors={errors.map(({ inputId, message }) => ({ inputId, message }))}
        />
      ) : null}
      {correcting ? (
        <p>
          The answer recorded now stays on record, shown as corrected, with the reason you give.
        </p>
      ) : null}
      <TextAreaField
        id={ids.answer}
        label="The bidder’s answer"
        hint="As the bidder sent it. At most 10,000 characters."
        value={answer}
        onChange={setAnswer}
        error={errorFor('answer')}
        rows={5}
      />
      <TextField
        id={ids.receivedOn}
        type="date"
        label="Date the answer came"
        value={receivedOn}
        onChange={setReceivedOn}
        max={today()}
        error={errorFor('receivedOn')}
        className="bid-questions__date"
      />
      {correcting ? (
        <TextAreaField
          id={ids.reason}
          label="Why the answer is corrected"
          hint="For example: copied wrongly from the bidder’s email."
          value={reason}
          onChange={setReason}
          error={errorFor('reason')}
          rows={2}
        />
      ) : null}
      <div className="button-row">
        <Button type="submit" busy={busy}>
          {correcting ? 'Record the correction' : 'Record the answer'}
        </Button>
        {correcting ? (
          <Button
            variant="quiet"
            onClick={() => {
              setOpen(false);
              setFocusNext('button');
            }}
          >
            Cancel
          </Button>
        ) : null}
      </div>
    </form>
  );
}

/** A panel member asks the bidder a clarification question. */
function AskForm({
  documentId,
  bid,
  onChange,
}: {
  documentId: string;
  bid: Bid;
  onChange: (next: BidsView) => void;
}) {
  const [question, setQuestion] = useState('');
  const [done, setDone] = useState('');
  const { busy, problem, run } = useAction();
  const inputId = `ask-${bid.bidId}`;
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone('');
    const saved = await run(async () => {
      onChange(await askClarification(documentId, bid.bidId, question));
    }, 'Recording the question failed. Try again.');
    if (saved) {
      setQuestion('');
      setDone('Your question was recorded. The chair records the bidder’s answer here.');
    }
  };
  return (
    <form
      className="stack"
      onSubmit={onSubmit}
      noValidate
      aria-label={`Ask ${bid.bidder} a clarification question`}
    >
      {problem ? (
        <FormError headingLevel={5} fieldErrors={[{ inputId, message: problem }]} />
      ) : null}
      <TextAreaField
        id={inputId}
        label={`Your question to ${bid.bidder}`}
        hint="Say which part of the bid it is about. 10 to 2,000 characters. Everyone who may see the bids sees it, with your name."
        value={question}
        onChange={setQuestion}
        error={problem ?? undefined}
        rows={3}
      />
      <div>
        <Button type="submit" busy={busy}>
          Ask the question
        </Button>
      </div>
      <p role="status">{done}</p>
    </form>
  );
}
