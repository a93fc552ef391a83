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
import { RadioGroup } from '../../ui/RadioGroup.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useFormSubmission } from '../../ui/useFormSubmission.ts';
import { createDocument } from './workspacesApi.ts';

type Field = 'title' | 'kind';
const inputIds: Record<Field, string> = { title: 'document-title-new', kind: 'document-kind' };
const kindOptions = documentKinds.map((kind) => ({ value: kind, label: documentKindLabels[kind] }));

export function CreateDocumentForm({ workspaceId }: { workspaceId: string }) {
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<DocumentKind | ''>('');
  const { errors, formMessage, busy, summary, submit } = useFormSubmission(inputIds);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    await submit(createDocumentSchema, { title, kind: kind || undefined }, async (data) => {
      // The server seeds the kind's template; the client never writes template content.
      const document = await createDocument(workspaceId, data);
      navigate(`/documents/${document.id}`);
    });
  };

  return (
    <section aria-labelledby="create-document-heading" className="section panel">
      <h2 id="create-document-heading">Create a document</h2>
      <p>Each kind starts from a template with the sections the work needs.</p>
      <FormError message={formMessage} fieldErrors={summary} />
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
