import type { Editor } from '@tiptap/react';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import type { AttributionMessage, DocumentConnection } from '../../sync/connectDocument.ts';
import { refreshAuthorView, setAuthorModel } from './AuthorshipExtension.ts';
import { AuthorModel } from './authorModel.ts';
import { getAuthorship } from './authorshipApi.ts';

/** At most one refetch of the authorship data in this long, however many new writers. */
const REFETCH_GAP_MS = 5_000;

export interface AuthorView {
  enabled: boolean;
  setEnabled(enabled: boolean): void;
  /** Set once the data has loaded and the view is drawn. */
  model: AuthorModel | null;
  problem: string | null;
}

/**
 * Switches the live author view on and off. On: fetches who owns which client id once,
 * then keeps it current from the sync connection's live increments; a client id nobody
 * owns yet (someone new typed) triggers a refetch, debounced.
 */
export function useAuthorView(
  editor: Editor,
  connection: DocumentConnection,
  documentId: string,
): AuthorView {
  const [enabled, setEnabled] = useState(false);
  const [model, setModel] = useState<AuthorModel | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!enabled) return;
    const next = new AuthorModel(connection.doc.getXmlFragment('default'));
    let active = true;
    let loaded = false;
    // Increments that arrive before the first answer are applied on top of it.
    const pending: AttributionMessage[] = [];
    let refetchTimer: ReturnType<typeof setTimeout> | undefined;
    let lastFetch = 0;
    const live = () => active && !editor.isDestroyed;

    const fetchData = () => {
      lastFetch = Date.now();
      getAuthorship(documentId).then(
        (data) => {
          if (!live()) return;
          next.load(data);
          for (const message of pending.splice(0)) next.apply(message);
          setProblem(null);
          if (!loaded) {
            loaded = true;
            setAuthorModel(editor.view, next);
            setModel(next);
          } else {
            refreshAuthorView(editor.view);
          }
        },
        (error: unknown) => {
          if (!live()) return;
          setProblem(
            error instanceof ApiError
              ? `Chorus could not load who wrote what. ${error.message}`
              : 'Chorus could not load who wrote what. Try again.',
          );
        },
      );
    };
    next.onUnknown = () => {
      if (refetchTimer !== undefined) return;
      const wait = Math.max(500, lastFetch + REFETCH_GAP_MS - Date.now());
      refetchTimer = setTimeout(() => {
        refetchTimer = undefined;
        if (live()) fetchData();
      }, wait);
    };
    const stopListening = connection.onAttribution((message) => {
      if (!loaded) {
        pending.push(message);
        return;
      }
      next.apply(message);
      if (live()) refreshAuthorView(editor.view);
    });
    fetchData();

    return () => {
      active = false;
      stopListening();
      if (refetchTimer !== undefined) clearTimeout(refetchTimer);
      next.onUnknown = null;
      if (!editor.isDestroyed) setAuthorModel(editor.view, null);
      setModel(null);
      setProblem(null);
    };
  }, [enabled, editor, connection, documentId]);

  return { enabled, setEnabled, model, problem };
}
