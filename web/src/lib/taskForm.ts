/** The state every form that may queue a task keeps: its errors, the 429 delay, the task it polls. */
import { useState } from "react";
import { submitErrors } from "./errors";
import { isBusy, useTaskPolling, type GenerationResult } from "./poll";

/** `send()` posts the form; it returns the status URL of a queued task, or null when answered at once. */
export function useTaskForm<R = GenerationResult>() {
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [retryAfter, setRetryAfter] = useState<number | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [statusUrl, setStatusUrl] = useState<string | null>(null);
  const { status, error: pollError } = useTaskPolling<R>(statusUrl);

  /** Errors found before sending (the last task, if any, stays shown). */
  const showErrors = (errors: Record<string, string[]>) => {
    setFieldErrors(errors);
    setRetryAfter(null);
  };

  /** Clears the last outcome, sends, polls what was queued; a failure goes to the fields or the 429 delay. */
  const run = async (send: () => Promise<string | null>) => {
    showErrors({});
    setStatusUrl(null);
    setSubmitting(true);
    try {
      const url = await send();
      if (url !== null) setStatusUrl(url);
    } catch (e) {
      const shown = submitErrors(e);
      setFieldErrors(shown.fieldErrors);
      setRetryAfter(shown.retryAfter);
    } finally {
      setSubmitting(false);
    }
  };

  return { fieldErrors, retryAfter, statusUrl, status, pollError, running: isBusy(submitting, statusUrl, status), showErrors, run };
}
