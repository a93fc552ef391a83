import { renameDocumentSchema } from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import { Button } from '../../ui/Button.tsx';
import { type FieldErrors, fromApiError, validate } from '../../ui/formErrors.ts';
import { TextField } from '../../ui/TextField.tsx';
import { renameDocument } from './documentsApi.ts';

interface RenameFormProps {
  documentId: string;
  title: string;
  onRenamed: (title: string) => void;
}

export function RenameForm({ documentId, title, onRenamed }: RenameFormProps) {
  const [value, setValue] = useState(title);
  const [errors, setErrors] = useState<FieldErrors<'title'>>({});
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const checked = validate(renameDocumentSchema, { title: value });
    if (!checked.ok) {
      setErrors(checked.errors);
      setStatus('');
      return;
    }
    if (checked.data.title === title) {
      setErrors({});
      setStatus('The title is unchanged.');
      return;
    }
    setBusy(true);
    setStatus('Saving the title…');
    try {
      const document = await renameDocument(documentId, checked.data.title);
      setErrors({});
      setValue(document.title);
      onRenamed(document.title);
      setStatus('Title saved.');
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, ['title'] as const);
      // A failure that is not about the title itself still belongs next to the title.
      setErrors(apiErrors.title ? apiErrors : { title: message });
      setStatus(error instanceof ApiError && error.status === 0 ? '' : 'The title was not saved.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="rename" onSubmit={onSubmit} noValidate aria-label="Rename document">
      <TextField
        id="document-title"
        className="rename__field"
        label="Document title"
        autoComplete="off"
        value={value}
        onChange={(next) => {
          setValue(next);
          setStatus('');
        }}
        error={errors.title}
      />
      <Button type="submit" variant="secondary" busy={busy} className="rename__button">
        Rename
      </Button>
      <p role="status" className="rename__status">
        {status}
      </p>
    </form>
  );
}
