import type { Editor } from '@tiptap/react';
import { useEffect, useId, useState, useSyncExternalStore } from 'react';
import { createPortal } from 'react-dom';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { type AuthorModel, describeCredit } from './authorModel.ts';
import { formatDay, safeColor, underlineFor, underlineLabels } from './authorStyles.ts';
import type { AuthorPerson } from './authorshipApi.ts';
import { useAuthorView } from './useAuthorView.ts';
import { usePassageFocus } from './usePassageFocus.ts';
import { idAt } from './walk.ts';
import './authorship.css';

/** How long the caret must rest before its credit is looked up and announced. */
const CARET_DEBOUNCE_MS = 200;

interface AuthorViewProps {
  editor: Editor;
  connection: DocumentConnection;
}

/**
 * "Show who wrote what": the toggle, a polite line saying who wrote the text at the
 * caret, a tooltip on hover, and a legend by person and by role. Also focuses a passage
 * when the page was opened from the contribution report (`?passage=`).
 */
export function AuthorView({ editor, connection }: AuthorViewProps) {
  const documentId = connection.provider.roomname;
  const view = useAuthorView(editor, connection, documentId);
  const passageAnnouncement = usePassageFocus(editor, connection, documentId);
  const legendId = useId();
  return (
    <div className="author-view">
      <div className="author-view__bar">
        <button
          type="button"
          className="button button--secondary author-view__toggle"
          aria-pressed={view.enabled}
          aria-controls={view.enabled ? legendId : undefined}
          onClick={() => view.setEnabled(!view.enabled)}
        >
          Show who wrote what
        </button>
        {view.enabled && !view.model && !view.problem ? (
          <span className="author-view__loading">Loading who wrote what…</span>
        ) : null}
        <CaretCredit editor={editor} model={view.model} />
      </div>
      {view.problem ? (
        <p className="inline-alert" role="alert">
          {view.problem}
        </p>
      ) : null}
      <p className="visually-hidden" aria-live="polite">
        {passageAnnouncement}
      </p>
      {view.model ? (
        <>
          <HoverCredit editor={editor} model={view.model} />
          <Legend id={legendId} model={view.model} />
        </>
      ) : null}
    </div>
  );
}

/** Who wrote the text at the caret, announced politely without taking focus. */
function CaretCredit({ editor, model }: { editor: Editor; model: AuthorModel | null }) {
  const [text, setText] = useState('');
  useEffect(() => {
    if (!model) {
      setText('');
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const lookUp = () => {
      timer = undefined;
      if (editor.isDestroyed) return;
      const { state } = editor;
      const id = idAt(model.fragment, state.doc, state.selection.head);
      setText(
        id
          ? `At the cursor: ${describeCredit(model.creditOf(id.client, id.clock), formatDay)}`
          : 'At the cursor: no text.',
      );
    };
    const schedule = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(lookUp, CARET_DEBOUNCE_MS);
    };
    lookUp();
    editor.on('selectionUpdate', schedule);
    editor.on('update', schedule);
    // New data (a refetch, a live increment) can change who is credited at the caret.
    const unsubscribe = model.subscribe(schedule);
    return () => {
      if (timer !== undefined) clearTimeout(timer);
      editor.off('selectionUpdate', schedule);
      editor.off('update', schedule);
      unsubscribe();
    };
  }, [editor, model]);
  if (!model) return null;
  return (
    <p className="author-view__caret" aria-live="polite" aria-atomic="true">
      {text}
    </p>
  );
}

/**
 * A tooltip under the run of text the pointer is over. It only repeats what the caret line
 * says for keyboard and screen reader users, so it needs no focus of its own.
 */
function HoverCredit({ editor, model }: { editor: Editor; model: AuthorModel }) {
  const [tip, setTip] = useState<{ text: string; left: number; top: number } | null>(null);
  useEffect(() => {
    if (editor.isDestroyed) return;
    const dom = editor.view.dom;
    const onOver = (event: MouseEvent) => {
      const target = event.target instanceof Element ? event.target : null;
      const run = target?.closest<HTMLElement>('.author-run');
      if (!run) {
        setTip(null);
        return;
      }
      const authorId = run.dataset.author ?? '';
      const dayText = run.dataset.day ?? '';
      const day = dayText === '' ? null : Number(dayText);
      const text = describeCredit({ authorId, person: model.people.get(authorId), day }, formatDay);
      // Under the line of text the pointer is on, not under the whole (maybe wrapped) run.
      const rects = Array.from(run.getClientRects());
      const rect =
        rects.find((r) => event.clientY >= r.top && event.clientY <= r.bottom) ??
        run.getBoundingClientRect();
      // Page coordinates, so the tip stays with its text when the page scrolls.
      setTip({
        text,
        left: Math.max(8, event.clientX - 16) + window.scrollX,
        top: rect.bottom + 6 + window.scrollY,
      });
    };
    const hide = () => setTip(null);
    dom.addEventListener('mouseover', onOver);
    dom.addEventListener('mouseleave', hide);
    return () => {
      dom.removeEventListener('mouseover', onOver);
      dom.removeEventListener('mouseleave', hide);
    };
  }, [editor, model]);
  if (!tip) return null;
  // In <body>, so no positioned or clipping ancestor in the page moves or cuts it.
  return createPortal(
    <div className="author-tip" role="tooltip" style={{ left: tip.left, top: tip.top }}>
      {tip.text}
    </div>,
    document.body,
  );
}

function UnderlineSample({ person, slot }: { person: AuthorPerson; slot: number }) {
  return (
    <span
      aria-hidden="true"
      className={`author-legend__sample author-run author-run--${underlineFor(slot)}`}
      style={{ ['--author-color' as string]: safeColor(person.color) }}
    >
      Abc
    </span>
  );
}

/** Who appears in the text now, by person and by participant role, with their cues. */
function Legend({ id, model }: { id: string; model: AuthorModel }) {
  useSyncExternalStore(model.subscribe, model.version);
  const people = [...model.present]
    .map((accountId) => model.people.get(accountId))
    .filter((person): person is AuthorPerson => person !== undefined)
    .sort((a, b) => model.slotOf(a.accountId) - model.slotOf(b.accountId));
  const roles = new Map<string, string[]>();
  for (const person of people) {
    roles.set(person.roleLabel, [...(roles.get(person.roleLabel) ?? []), person.name]);
  }
  const headingId = `${id}-heading`;
  return (
    <section id={id} className="author-legend" aria-labelledby={headingId}>
      <h2 id={headingId} className="visually-hidden">
        Who wrote what: key
      </h2>
      <div className="author-legend__group">
        <h3 className="author-legend__heading">By person</h3>
        {people.length === 0 ? (
          <p className="author-legend__empty">No member has written here yet.</p>
        ) : (
          <ul className="author-legend__list">
            {people.map((person) => {
              const slot = model.slotOf(person.accountId);
              return (
                <li key={person.accountId} className="author-legend__item">
                  <span
                    aria-hidden="true"
                    className="author-legend__swatch"
                    style={{ backgroundColor: safeColor(person.color) }}
                  />
                  <UnderlineSample person={person} slot={slot} />
                  <span>
                    {person.name} <span className="author-legend__role">({person.roleLabel})</span>
                    <span className="visually-hidden">
                      , shown with a {underlineLabels[underlineFor(slot)]}
                    </span>
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <div className="author-legend__group">
        <h3 className="author-legend__heading">By role</h3>
        {roles.size === 0 ? (
          <p className="author-legend__empty">No roles yet.</p>
        ) : (
          <ul className="author-legend__list">
            {[...roles].map(([label, names]) => (
              <li key={label} className="author-legend__item">
                <span>
                  <strong>{label}</strong>: {names.length}{' '}
                  {names.length === 1 ? 'person' : 'people'} ({names.join(', ')})
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <p className="author-legend__note">Text from the document template is not highlighted.</p>
    </section>
  );
}
