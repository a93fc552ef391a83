import { TextAreaField } from '../ui/TextAreaField.tsx';
import { TextField } from '../ui/TextField.tsx';
import { useFieldDraft } from './useFieldDraft.ts';

export interface FieldOptions {
  multiline?: boolean;
  placeholder?: string;
  hint?: string;
  maxLength?: number;
}

/**
 * A labelled field of a structured block (a PDSA cycle, a priority), sent as it is typed
 * (see `useFieldDraft`); read-only for people who may not edit.
 */
export function SyncedField({
  label,
  value,
  canEdit,
  onChange,
  multiline = false,
  placeholder,
  hint,
  maxLength = 4_000,
}: FieldOptions & {
  label: string;
  value: string;
  canEdit: boolean;
  onChange: (value: string) => void;
}) {
  const { text, setText, onFocus, onBlur } = useFieldDraft(value);
  const props = {
    label,
    value: text,
    readOnly: !canEdit,
    maxLength,
    hint,
    placeholder: canEdit ? placeholder : undefined,
    onFocus,
    onBlur,
    onChange: (next: string) => {
      setText(next);
      onChange(next);
    },
  };
  return multiline ? <TextAreaField rows={3} {...props} /> : <TextField {...props} />;
}
