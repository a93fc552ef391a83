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
  if (multiline) return <TextAreaField rows={3} {...props} />;
  return <TextField {...props} />;
}

/** A field of a stored node as text, whatever another client put there, cut to `max`. */
export const storedText = (value: unknown, max: number) =>
  typeof value === 'string' ? value.slice(0, max) : '';

/**
 * An unlabelled-looking one-line field (a table cell, a branch of a tree) named for
 * assistive technology by `label`, sent as it is typed (see `useFieldDraft`).
 */
export function DraftInput({
  label,
  value,
  onChange,
  maxLength,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
}) {
  const { text, setText, onFocus, onBlur } = useFieldDraft(value);
  return (
    <input
      className="field__input"
      aria-label={label}
      value={text}
      maxLength={maxLength}
      onFocus={onFocus}
      onBlur={onBlur}
      onChange={(e) => {
        setText(e.target.value);
        onChange(e.target.value);
      }}
    />
  );
}
