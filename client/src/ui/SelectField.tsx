import { FieldShell } from './FieldShell.tsx';

interface SelectFieldProps<T extends string> {
  label: string;
  value: T | '';
  onChange: (value: T) => void;
  options: ReadonlyArray<{ value: T; label: string }>;
  /** A first, empty choice (for example "Choose a role") when nothing is chosen yet. */
  placeholder?: string;
  hint?: string;
  error?: string | undefined;
  id?: string;
  className?: string;
  /** Keeps the label for assistive technology only, where a table heading already says it. */
  hideLabel?: boolean;
}

/** A labelled native select: every browser and assistive technology knows how to use it. */
export function SelectField<T extends string>({
  label,
  value,
  onChange,
  options,
  placeholder,
  hint,
  error,
  id,
  className,
  hideLabel = false,
}: SelectFieldProps<T>) {
  const byValue = new Map(options.map((option) => [option.value as string, option.value]));
  return (
    <FieldShell
      id={id}
      label={label}
      hint={hint}
      error={error}
      className={className}
      hideLabel={hideLabel}
    >
      {(control) => (
        <select
          {...control}
          className="field__input field__select"
          value={value}
          onChange={(event) => {
            // Map back to the typed option rather than trusting the DOM string.
            const chosen = byValue.get(event.target.value);
            if (chosen !== undefined) onChange(chosen);
          }}
        >
          {placeholder !== undefined ? (
            <option value="" disabled={value !== ''}>
              {placeholder}
            </option>
          ) : null}
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
