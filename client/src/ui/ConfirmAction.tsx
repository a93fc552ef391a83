import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Button } from './Button.tsx';

interface ConfirmActionProps {
  /** What the first button shows, e.g. "Remove". */
  trigger: ReactNode;
  /** The question asked before acting, e.g. "Remove Bob from this workspace?". */
  question: string;
  /** The button that does it, e.g. "Yes, remove Bob". */
  confirmLabel: string;
  /** Does the work; a thrown error's message is shown in an alert next to the buttons. */
  onConfirm: () => Promise<void>;
  className?: string;
}

/**
 * A destructive action with an inline "are you sure?" step instead of window.confirm,
 * which some assistive technology handles badly and which cannot be styled or explained.
 * Focus moves to the question's confirm button, and back to the trigger on cancel.
 */
export function ConfirmAction({
  trigger,
  question,
  confirmLabel,
  onConfirm,
  className,
}: ConfirmActionProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      triggerRef.current?.focus();
    }
  }, [asking]);

  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await onConfirm();
      // The caller usually removes this component; if not, close the question.
      setAsking(false);
    } catch (error) {
      setProblem(error instanceof Error && error.message ? error.message : 'That did not work.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={['confirm', className].filter(Boolean).join(' ')}>
      {asking ? (
        <div className="confirm__question">
          <p className="confirm__text">{question}</p>
          <div className="confirm__buttons">
            <Button ref={confirmRef} busy={busy} onClick={confirm}>
              {confirmLabel}
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                returnFocus.current = true;
                setProblem(null);
                setAsking(false);
              }}
            >
              Cancel
            </Button>
          </div>
        </div>
      ) : (
        <Button ref={triggerRef} variant="secondary" onClick={() => setAsking(true)}>
          {trigger}
        </Button>
      )}
      {problem ? (
        <p className="inline-alert" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
