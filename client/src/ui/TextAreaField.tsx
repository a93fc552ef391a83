import type { Ref, TextareaHTMLAttributes } from 'react';
import { FieldShell } from './FieldShell.tsx';

interface TextAreaFieldProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  error?: string | undefined;
  ref?: Ref<HTMLTextAreaElement>;
}

/** A labelled multi-line field, its hint and error tied to it like `TextField`'s. */
export function TextAreaField({
  label,
  value,
  onChange,
  hint,
  error,
  id,
  className,
  rows = 4,
  ref,
  ...rest
}: TextAreaFieldProps) {
  return (
    <FieldShell id={id} label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <textarea
          {...control}
          ref={ref}
          className="field__input field__textarea"
          rows={rows}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...rest}
        />
      )}
    </FieldShell>
  );
}
