/** The live progress of a queued task, and the alerts a submitted form shows (field-less errors, 429, task failure). */
import type { ReactNode } from "react";
import { useI18n } from "../lib/i18n";
import { isRunning, type TaskStatus } from "../lib/poll";

/** A progress bar with "done / total" (or the bare state) while `status` is running; nothing otherwise. */
export function TaskProgress<R>({ status, label }: { status: TaskStatus<R> | null; label: string }) {
  const { t } = useI18n();
  if (!status || !isRunning(status)) return null;
  const { progress } = status;
  return (
    <div className="progress-wrap">
      <div
        className="progress"
        role="progressbar"
        data-testid="progress"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={progress?.total ?? 100}
        aria-valuenow={progress?.done ?? 0}
      >
        <div className="bar" style={{ width: `${progress && progress.total > 0 ? (100 * progress.done) / progress.total : 0}%` }} />
      </div>
      <p className="muted small" aria-live="polite">
        {progress ? t("gen.progress", { done: progress.done, total: progress.total }) : t("gen.state", { state: status.state })}
      </p>
    </div>
  );
}

/** A failed poll or a FAILURE state, told with `failed` (a message taking `{msg}`). */
export function TaskFailure<R>({ status, pollError, failed }: { status: TaskStatus<R> | null; pollError: Error | null; failed: (msg: string) => string }) {
  return (
    <>
      {pollError && <p role="alert" className="error">{failed(pollError.message)}</p>}
      {status?.state === "FAILURE" && <p role="alert" className="error">{failed(status.error ?? "")}</p>}
    </>
  );
}

/** The form-wide errors (field "") and the 429 "retry in n s" of a submitted form. */
export function FormAlerts({ fieldErrors, retryAfter }: { fieldErrors: Record<string, string[]>; retryAfter: number | null }): ReactNode {
  const { t } = useI18n();
  return (
    <>
      {fieldErrors[""] && (
        <ul role="alert" className="error" data-testid="form-errors">
          {fieldErrors[""].map((m, i) => <li key={i}>{m}</li>)}
        </ul>
      )}
      {retryAfter !== null && <p role="alert" className="error" data-testid="retry-after">{t("gen.retry", { n: retryAfter })}</p>}
    </>
  );
}
