import type { MouseEvent } from 'react';

interface FormErrorProps {
  /** A message that belongs to no single field (e.g. wrong email or password). */
  message?: string | null;
  /** Field errors, keyed by the id of the input they belong to. */
  fieldErrors?: ReadonlyArray<{ inputId: string; message: string }>;
  /** The summary's heading level: one below the heading of the section the form is in. */
  headingLevel?: 2 | 3 | 4 | 5;
}

/**
 * The error summary at the top of a form. It is an alert so it is announced as soon as
 * it appears; each field error links to its field so people can jump straight there.
 */
export function FormError({ message, fieldErrors = [], headingLevel = 2 }: FormErrorProps) {
  if (!message && fieldErrors.length === 0) return null;
  const focusField = (event: MouseEvent<HTMLAnchorElement>, inputId: string) => {
    // Plain hash links would not move keyboard focus into the field in every browser.
    event.preventDefault();
    document.getElementById(inputId)?.focus();
  };
  const Heading = `h${headingLevel}` as const;
  const extra = fieldErrors.filter((field) => field.message !== message);
  return (
    <div className="form-error" role="alert">
      <Heading className="form-error__title">There is a problem</Heading>
      {message ? <p className="form-error__message">{message}</p> : null}
      {extra.length > 0 ? (
        <ul className="form-error__list">
          {extra.map((field) => (
            <li key={field.inputId}>
              <a href={`#${field.inputId}`} onClick={(event) => focusField(event, field.inputId)}>
                {field.message}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
