/** Maps the API's error items to the form fields they name. */
import type { ErrorItem } from "./api";

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
