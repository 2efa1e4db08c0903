/** A labelled form field with its error messages right below it. */
import { useId, type ReactNode } from "react";

/** `children(id, describedBy)` renders the control; the label's id is `${id}-label` (for role="group" controls). */
export function Field({ name, label, errors, children }: { name: string; label: string; errors?: string[]; children: (id: string, describedBy: string | undefined) => ReactNode }) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <div className="field" data-field={name}>
      <label htmlFor={id} id={`${id}-label`}>{label}</label>
      {children(id, errors?.length ? errId : undefined)}
      {errors?.length ? (
        <p id={errId} className="field-error" data-testid={`error-${name}`}>
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
