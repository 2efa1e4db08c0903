/** Parsing of the generator form's free-text fields into the API's request body. */

/** "3, 7 12" -> [3, 7, 12]; "" -> []; null when a part is not a whole number. */
export function parseIntList(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return null;
    out.push(Number(p));
  }
  return out;
}

export interface GenerateForm {
  strategy: string;
  count: string;
  seed: string;
  last: string;
  exclude: string;
  exclude_bonus: string;
}

/** The request body, or the client-side errors per field (only list syntax is checked here: the API judges ranges). */
export function buildBody(f: GenerateForm, invalidList: string): { body?: Record<string, unknown>; errors?: Record<string, string[]> } {
  const exclude = parseIntList(f.exclude);
  const excludeBonus = parseIntList(f.exclude_bonus);
  const errors: Record<string, string[]> = {};
  if (exclude === null) errors.exclude = [invalidList];
  if (excludeBonus === null) errors.exclude_bonus = [invalidList];
  if (Object.keys(errors).length) return { errors };
  // Numbers are sent as typed (even out of range) so the API gives its own reason.
  const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
  const body: Record<string, unknown> = { strategy: f.strategy, count: num(f.count) ?? f.count };
  if (f.seed.trim() !== "") body.seed = num(f.seed);
  if (f.last.trim() !== "") body.window = { last: num(f.last) };
  if (exclude!.length) body.exclude = exclude;
  if (excludeBonus!.length) body.exclude_bonus = excludeBonus;
  return { body };
}
