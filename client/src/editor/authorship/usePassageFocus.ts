import type { Editor } from '@tiptap/react';
import { useEffect, useState } from 'react';
import { useLocation } from '../../routes/useLocation.ts';
import type { DocumentConnection } from '../../sync/connectDocument.ts';
import { AuthorModel } from './authorModel.ts';
import { getAuthorship } from './authorshipApi.ts';
import { parsePassage } from './passageLink.ts';
import { positionOf } from './walk.ts';

function whenSynced(connection: DocumentConnection, then: () => void): () => void {
  if (connection.provider.synced) {
    then();
    return () => {};
  }
  const onSync = (synced: boolean) => {
    if (!synced) return;
    connection.provider.off('sync', onSync);
    then();
  };
  connection.provider.on('sync', onSync);
  return () => connection.provider.off('sync', onSync);
}

/**
 * Opened from a passage link: once the document has loaded, finds the passage by the Yjs
 * id of its first character (so it is found wherever the text has moved since), selects
 * it, scrolls to it and returns what to announce ("Showing a passage by …").
 */
export function usePassageFocus(
  editor: Editor,
  connection: DocumentConnection,
  documentId: string,
): string {
  const passageParam = useLocation().search.get('passage');
  const [announcement, setAnnouncement] = useState('');

  useEffect(() => {
    const passage = parsePassage(passageParam);
    if (!passage) return;
    let active = true;
    const stop = whenSynced(connection, () => {
      getAuthorship(documentId)
        .then((data) => {
          const model = new AuthorModel(connection.doc.getXmlFragment('default'));
          model.load(data);
          return model;
        })
        .catch(() => null)
        .then((model) => {
          if (!active || editor.isDestroyed) return;
          const { doc } = editor.state;
          const found = positionOf(
            connection.doc.getXmlFragment('default'),
            doc,
            passage.client,
            passage.clock,
          );
          if (found === null) {
            setAnnouncement('That passage is no longer in the document.');
            return;
          }
          let from = found;
          const end = doc.resolve(from).end();
          // The report trims spaces from the ends of a passage; so does the selection.
          while (from < end && /\s/.test(doc.textBetween(from, from + 1))) from++;
          const to = Math.min(end, from + passage.length);
          editor.chain().focus().setTextSelection({ from, to }).scrollIntoView().run();
          const credit = model?.creditOf(passage.client, passage.clock);
          const name = credit?.person ? credit.person.name : null;
          setAnnouncement(name ? `Showing a passage by ${name}.` : 'Showing the passage.');
        });
    });
    return () => {
      active = false;
      stop();
    };
  }, [passageParam, editor, connection, documentId]);

  return announcement;
}
