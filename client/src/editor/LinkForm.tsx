import type { Editor } from '@tiptap/react';
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Button } from '../ui/Button.tsx';
import { TextField } from '../ui/TextField.tsx';

const allowedScheme = /^(https?:|mailto:)/i;

/** Accepts "nhs.uk" as "https://nhs.uk"; refuses schemes like javascript:. */
export function normaliseUrl(input: string): string | null {
  const value = input.trim();
  if (!value) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
  if (!allowedScheme.test(withScheme)) return null;
  try {
    const url = new URL(withScheme);
    if (url.protocol !== 'mailto:' && !url.hostname.includes('.') && url.hostname !== 'localhost') {
      return null;
    }
    return url.href;
  } catch {
    return null;
  }
}

interface LinkFormProps {
  id: string;
  editor: Editor;
  onClose: () => void;
}

/** An inline form for a link's address, in place of window.prompt. */
export function LinkForm({ id, editor, onClose }: LinkFormProps) {
  const existing = editor.getAttributes('link').href;
  const [address, setAddress] = useState(typeof existing === 'string' ? existing : '');
  const [error, setError] = useState<string | undefined>();
  const inputRef = useRef<HTMLInputElement>(null);
  const isLink = editor.isActive('link');

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const href = normaliseUrl(address);
    if (!href) {
      setError('Enter a web address like https://www.nhs.uk, or an email link starting mailto:.');
      return;
    }
    const { empty } = editor.state.selection;
    if (empty && !isLink) {
      // With nothing selected, the address itself becomes the link text.
      editor
        .chain()
        .focus()
        .insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] })
        .run();
    } else {
      editor.chain().focus().extendMarkRange('link').setLink({ href }).run();
    }
    onClose();
  };

  const remove = () => {
    editor.chain().focus().extendMarkRange('link').unsetLink().run();
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  };

  return (
    <form
      id={id}
      className="link-form"
      aria-label="Link"
      onSubmit={apply}
      onKeyDown={onKeyDown}
      noValidate
    >
      <TextField
        ref={inputRef}
        label="Link address"
        hint="For example https://www.nhs.uk. Press Escape to cancel."
        type="url"
        inputMode="url"
        autoComplete="url"
        spellCheck={false}
        value={address}
        onChange={(value) => {
          setAddress(value);
          setError(undefined);
        }}
        error={error}
      />
      <div className="button-row">
        <Button type="submit">Apply link</Button>
        {isLink ? (
          <Button variant="secondary" onClick={remove}>
            Remove link
          </Button>
        ) : null}
        <Button variant="quiet" onClick={onClose}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
