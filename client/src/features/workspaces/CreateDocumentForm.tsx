import {
  createDocumentSchema,
  type DocumentKind,
  documentKindLabels,
  documentKinds,
} from '@chorus/shared';
import { type FormEvent, useState } from 'react';
import { navigate } from '../../routes/navigation.ts';
import { Button } from '../../ui/Button.tsx';
import { FormError } from '../../ui/FormError.tsx';
import { type FieldErrors, fromApiError, summaryOf, validate } from '../../ui/formErrors.ts';
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { createDocument } from './workspacesApi.ts';

type Field = 'title' | 'kind';
const inputIds: Record<Field, string> = { title: 'document-title-new', kind: 'document-kind' };
const kindOptions = documentKinds.map((kind) => ({ value: kind, label: documentKindLabels[kind] }));

export function CreateDocumentForm({ workspaceId }: { workspaceId: string }) {
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<DocumentKind | ''>('');
  const [errors, setErrors] = useState<FieldErrors<Field>>({});
  const [formMessage, setFormMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    const checked = validate(createDocumentSchema, { title, kind: kind || undefined });
    if (!checked.ok) {
      setErrors(checked.errors);
      setFormMessage(null);
      return;
    }
    setBusy(true);
    try {
      // The server seeds the kind's template; the client never writes template content.
      const document = await createDocument(workspaceId, checked.data);
      navigate(`/documents/${document.id}`);
    } catch (error) {
      const { message, errors: apiErrors } = fromApiError(error, ['title', 'kind'] as const);
      setErrors(apiErrors);
      setFormMessage(Object.keys(apiErrors).length > 0 ? null : message);
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="create-document-heading" className="section panel">
      <h2 id="create-document-heading">Create a document</h2>
      <p>Each kind starts from a template with the sections the work needs.</p>
      <FormError message={formMessage} fieldErrors={summaryOf(errors, inputIds)} />
      <form className="stack" onSubmit={onSubmit} noValidate>
        <TextField
          id={inputIds.title}
          label="Title"
          autoComplete="off"
          value={title}
          onChange={setTitle}
          error={errors.title}
        />
        <RadioGroup
          id={inputIds.kind}
          legend="Kind"
          name="kind"
          options={kindOptions}
          value={kind}
          onChange={setKind}
          error={errors.kind}
        />
        <div>
          <Button type="submit" busy={busy}>
            Create document
          </Button>
        </div>
      </form>
    </section>
  );
}
