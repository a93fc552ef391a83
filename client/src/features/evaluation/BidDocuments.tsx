import {
  acceptedFormatsInWords,
  type BidsView,
  bidDocumentExtensions,
  bidDocumentKindLabels,
  bidDocumentLimits,
  checkBidDocumentName,
  type ScoringRole,
  scoringGroupLabels,
  scoringPanelRoles,
  sizeInWords,
} from '@chorus/shared';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Button } from '../../ui/Button.tsx';
import { ConfirmAction } from '../../ui/ConfirmAction.tsx';
import { FieldShell } from '../../ui/FieldShell.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { useAction } from '../../ui/useAction.ts';
import { bidDocumentHref, removeBidDocument, uploadBidDocument } from './bidDocumentsApi.ts';

type Bid = BidsView['bids'][number];

const when = (ms: number) =>
  new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** What a file is, in words, before anyone sends it: the server checks again, bytes included. */
function problemWith(file: File | undefined): string | null {
  if (!file) return 'Choose a file to upload.';
  const name = checkBidDocumentName(file.name);
  if (!name.ok) return name.message;
  if (file.size === 0) {
    return 'The file is empty (0 bytes). Check you chose the right file, then upload it again.';
  }
  if (file.size > bidDocumentLimits.maxBytes) {
    return `The file is ${sizeInWords(file.size)}; the most is ${sizeInWords(bidDocumentLimits.maxBytes)}. Split it into parts, or make it smaller, then upload it again.`;
  }
  return null;
}

/**
 * A bid's files: links to download each one and, while the evaluation is being set up, a
 * form for the chair or an owner to add files and a button to remove each.
 */
export function BidDocuments({
  documentId,
  bid,
  canChange,
  onChange,
}: {
  documentId: string;
  bid: Bid;
  canChange: boolean;
  onChange: (next: BidsView) => void;
}) {
  const inputId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const { busy, problem, setProblem, run } = useAction();
  const [done, setDone] = useState('');
  // Who on the panel may open the file: every scoring group unless the chair says otherwise
  // (a pricing schedule for finance evaluators only, say).
  const [groups, setGroups] = useState<ScoringRole[]>([...scoringPanelRoles]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    setDone('');
    const file = fileRef.current?.files?.[0];
    const found =
      groups.length === 0 ? 'Choose at least one panel group who may open it.' : problemWith(file);
    if (found || !file) {
      setProblem(found);
      fileRef.current?.focus();
      return;
    }
    const uploaded = await run(async () => {
      const seenBy = groups.length === scoringPanelRoles.length ? null : groups;
      onChange(await uploadBidDocument(documentId, bid.bidId, file, seenBy));
    }, 'Uploading failed. Try again.');
    if (uploaded) {
      // Cleared only once stored: a refused file stays chosen, to fix and send again.
      if (fileRef.current) fileRef.current.value = '';
      setDone(`${file.name} was uploaded.`);
    } else {
      fileRef.current?.focus();
    }
  };

  return (
    <div className="stack">
      <h4>Documents</h4>
      {bid.documents.length === 0 ? (
        <p>{canChange ? 'No documents added yet.' : 'This bid has no documents.'}</p>
      ) : (
        <ul className="bid-files">
          {bid.documents.map((file) => (
            <li key={file.id} className="bid-files__item">
              <a href={bidDocumentHref(documentId, bid.bidId, file.id)} download={file.name}>
                <span className="visually-hidden">Download </span>
                {file.name}
              </a>{' '}
              <span className="bid-files__meta">
                ({bidDocumentKindLabels[file.kind]}, {sizeInWords(file.size)}), added by{' '}
                {file.uploadedByName} on {when(file.uploadedAt)}
                {file.seenBy
                  ? `; for ${file.seenBy.map((g) => scoringGroupLabels[g].toLowerCase()).join(' and ')} only`
                  : ''}
              </span>
              {canChange ? (
                <ConfirmAction
                  className="bid-files__remove"
                  trigger={
                    <>
                      Remove<span className="visually-hidden"> {file.name}</span>
                    </>
                  }
                  question={`Remove ${file.name} from ${bid.bidder}’s documents? It is deleted, not kept.`}
                  confirmLabel={`Yes, remove ${file.name}`}
                  onConfirm={async () => {
                    onChange(await removeBidDocument(documentId, bid.bidId, file.id));
                    setDone(`${file.name} was removed.`);
                    // Its row is gone: focus goes to adding a document, not to the page.
                    requestAnimationFrame(() => document.getElementById(inputId)?.focus());
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {canChange ? (
        <form
          className="stack"
          onSubmit={onSubmit}
          noValidate
          aria-label={`Add a document to ${bid.bidder}`}
        >
          {problem ? (
            <FormError headingLevel={5} fieldErrors={[{ inputId, message: problem }]} />
          ) : null}
          <FieldShell
            id={inputId}
            label={`Document for ${bid.bidder}`}
            hint={`${acceptedFormatsInWords}. Up to ${sizeInWords(bidDocumentLimits.maxBytes)} each, and at most ${bidDocumentLimits.maxFilesPerBid} for each bid.`}
            error={problem ?? undefined}
          >
            {(control) => (
              <input
                {...control}
                ref={fileRef}
                type="file"
                className="field__input bid-files__input"
                accept={bidDocumentExtensions.join(',')}
                onChange={() => setDone('')}
              />
            )}
          </FieldShell>
          <fieldset className="field checkboxes" aria-describedby={`${inputId}-groups-hint`}>
            <legend className="field__label">Who on the panel may open it</legend>
            <p className="field__hint" id={`${inputId}-groups-hint`}>
              The chair, facilitator, observers and owners always may. Keep a pricing schedule for
              finance evaluators, as the price criterion is.
            </p>
            {scoringPanelRoles.map((g) => (
              <div className="checkbox" key={g}>
                <input
                  type="checkbox"
                  id={`${inputId}-${g}`}
                  checked={groups.includes(g)}
                  onChange={(event) =>
                    setGroups((now) =>
                      event.target.checked
                        ? scoringPanelRoles.filter((x) => x === g || now.includes(x))
                        : now.filter((x) => x !== g),
                    )
                  }
                />
                <label htmlFor={`${inputId}-${g}`}>{scoringGroupLabels[g]}</label>
              </div>
            ))}
          </fieldset>
          <div>
            <Button type="submit" busy={busy}>
              Upload the document
            </Button>
          </div>
        </form>
      ) : null}
      <p role="status" className="bid-files__status">
        {done}
      </p>
    </div>
  );
}
