import { useEffect, useState } from 'react';

/**
 * A field of a structured block (a run chart's measure, a PDSA cycle's prediction, an
 * action's owner) whose value lives in the shared document and is sent as it is typed.
 * While someone types in it their own text is shown; a change someone else made shows when
 * they leave the field, so the text does not jump under their caret.
 */
export function useFieldDraft(stored: string) {
  const [text, setText] = useState(stored);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    if (!editing) setText(stored);
  }, [stored, editing]);
  return { text, setText, onFocus: () => setEditing(true), onBlur: () => setEditing(false) };
}
