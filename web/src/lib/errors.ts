/** Maps the API's error items to the form fields they name. */
import { ApiError, type ErrorItem } from "./api";

/** The field an error belongs to: the last string element of `loc` (indices skipped), or "" for a form-wide error.
 *  ["body","count"] -> "count"; ["body","exclude",3] -> "exclude"; ["body","window","last"] -> "last"; [] -> "". */
export function fieldOf(loc: (string | number)[]): string {
  for (let i = loc.length - 1; i >= 0; i--) {
    const part = loc[i];
    if (typeof part === "string") return part === "body" || part === "query" ? "" : part;
  }
  return "";
}

/** Groups error messages by field name ("" = not tied to a field). */
export function errorsByField(detail: ErrorItem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of detail) {
    const f = fieldOf(item.loc ?? []);
    (out[f] ??= []).push(item.msg);
  }
  return out;
}

/** What a failed form submission shows: errors by field (none on a 429) and the 429's retry delay (else null). */
export function submitErrors(e: unknown): { fieldErrors: Record<string, string[]>; retryAfter: number | null } {
  if (!(e instanceof ApiError)) return { fieldErrors: { "": [(e as Error).message] }, retryAfter: null };
  if (e.status === 429) return { fieldErrors: {}, retryAfter: e.retryAfter ?? 1 };
  return { fieldErrors: errorsByField(e.detail.length ? e.detail : [{ loc: [], msg: e.message, type: "http" }]), retryAfter: null };
}
