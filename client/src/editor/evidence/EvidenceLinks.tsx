import { evidenceLabel, evidenceOf, MAX_LINKS, resolveLinks } from '@chorus/shared';
import type { Node as PmNode } from '@tiptap/pm/model';
import { type Editor, useEditorState } from '@tiptap/react';
import { useId } from 'react';
import { Button } from '../../ui/Button.tsx';

interface Piece {
  uid: string;
  label: string;
}

/** Pieces found per version of the document: one walk, however many views ask. */
const found = new WeakMap<PmNode, Piece[]>();

/** Every piece of evidence in the document with an id, in document order. */
function piecesIn(doc: PmNode): Piece[] {
  const known = found.get(doc);
  if (known) return known;
  const pieces: Piece[] = [];
  doc.descendants((node) => {
    if (node.type.name === 'evidenceItem') {
      const uid = typeof node.attrs.uid === 'string' ? node.attrs.uid : '';
      if (uid) pieces.push({ uid, label: evidenceLabel(evidenceOf(node.attrs)) });
      return false;
    }
    // Evidence lives in blocks; nothing inside a paragraph or heading can hold it.
    return !node.isTextblock;
  });
  found.set(doc, pieces);
  return pieces;
}

/** The document's pieces of evidence, fresh whenever the document changes. */
export function useEvidencePieces(editor: Editor): Piece[] {
  return useEditorState({ editor, selector: ({ editor: e }) => piecesIn(e.state.doc) });
}

/**
 * The pieces of the document's experience evidence a priority or a decision rests on,
 * picked from a list of the pieces (checkboxes, easy with a keyboard or screen reader)
 * and read as a list by everyone else. A link is the piece's id, so it follows the piece
 * wherever it moves and whatever is changed in it; a removed piece is said to be gone.
 * Each tick or untick is one change of its own (`linkSteps`), so two people ticking
 * different pieces at once both keep theirs.
 */
export function EvidenceLinks({
  editor,
  links,
  canEdit,
  of,
  onChange,
}: {
  editor: Editor;
  /** The linked pieces' uids (`linkedPiecesOf`). */
  links: readonly string[];
  canEdit: boolean;
  /** What the links belong to, for names: "the priority “Results within a week”". */
  of: string;
  /** Ticks (`linked`) or unticks one piece. */
  onChange: (uid: string, linked: boolean) => void;
}) {
  const box = useId();
  const pieces = useEvidencePieces(editor);
  const { linked, removed } = resolveLinks(links, pieces);
  // A tick past the most there can be would not be kept: say so rather than let the
  // box spring back unchecked with no word why.
  const full = links.length >= MAX_LINKS;
  const gone =
    removed > 0
      ? `${removed} linked ${removed === 1 ? 'piece has' : 'pieces have'} since been removed from the document.`
      : null;
  if (!canEdit) {
    return (
      <div className="evidence-links">
        <p className="evidence-links__title">
          <strong>Evidence it rests on:</strong>{' '}
          {linked.length === 0 ? 'none of the document’s evidence is linked yet.' : null}
        </p>
        {linked.length > 0 ? (
          <ul aria-label={`Evidence ${of} rests on`}>
            {linked.map((p) => (
              <li key={p.uid}>{p.label}</li>
            ))}
          </ul>
        ) : null}
        {gone ? <p>{gone}</p> : null}
      </div>
    );
  }
  return (
    // Named with what it belongs to: there is one such group per priority or decision.
    <fieldset className="evidence-links" aria-label={`Evidence it rests on, for ${of}`}>
      <legend>Evidence it rests on</legend>
      {pieces.length === 0 ? (
        <p>
          No pieces of evidence in the document yet: add them with the toolbar’s “Evidence” button,
          then link them here.
        </p>
      ) : (
        pieces.map((p, i) => {
          const checked = links.includes(p.uid);
          return (
            <div className="checkbox" key={p.uid}>
              <input
                id={`${box}-${i}`}
                type="checkbox"
                checked={checked}
                disabled={full && !checked}
                aria-describedby={full && !checked ? `${box}-full` : undefined}
                onChange={(event) => onChange(p.uid, event.target.checked)}
              />
              <label htmlFor={`${box}-${i}`}>{p.label}</label>
            </div>
          );
        })
      )}
      {full ? (
        <p id={`${box}-full`}>
          {MAX_LINKS} pieces are linked, the most there can be: untick one to link another.
        </p>
      ) : null}
      {gone ? (
        <p>
          {gone} {/* They count towards the most there can be and have no box to untick. */}
          <Button
            variant="quiet"
            onClick={() => {
              for (const uid of links) {
                if (!pieces.some((p) => p.uid === uid)) onChange(uid, false);
              }
            }}
          >
            Remove the links to removed pieces
            <span className="visually-hidden">, for {of}</span>
          </Button>
        </p>
      ) : null}
    </fieldset>
  );
}
