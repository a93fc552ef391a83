import { useState } from 'react';

/**
 * What someone typed in a comment form and has not sent yet, kept for the life of the page
 * by document and form. A form that goes away (a thread resolved by someone else, the
 * document area rebuilt after an access change) comes back with the text in it.
 */
const texts = new Map<string, string>();

export function useDraft(documentId: string, form: string) {
  const key = `${documentId}:${form}`;
  const [text, setText] = useState(() => texts.get(key) ?? '');
  return {
    text,
    set(value: string) {
      if (value) texts.set(key, value);
      else texts.delete(key);
      setText(value);
    },
    clear() {
      texts.delete(key);
      setText('');
    },
  };
}

/** Whether any form of this thread (its reply, an edit of one of its comments) holds text. */
export function hasDraft(documentId: string, forms: readonly string[]): boolean {
  return forms.some((form) => texts.has(`${documentId}:${form}`));
}

/** The selection a new comment is about, kept the same way while it is being written. */
const anchors = new Map<string, { start: string; end: string; quote: string }>();

export function pendingAnchor(documentId: string) {
  return anchors.get(documentId) ?? null;
}

export function keepAnchor(
  documentId: string,
  anchor: { start: string; end: string; quote: string } | null,
): void {
  if (anchor) anchors.set(documentId, anchor);
  else anchors.delete(documentId);
}
