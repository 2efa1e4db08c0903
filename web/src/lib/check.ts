/** The ticket checker's request parsing and answer types. */

export interface CheckWin {
  date: string;
  rank: number;
  pattern: string;
  payout_cents: number | null;
}

export interface CheckTicket {
  index: number;
  numbers: number[];
  bonus: number[];
  draws_played: number;
  not_playable: { from: string; until: string | null; draws: number; reason: string }[];
  cost_cents: number;
  unpriced_draws: number;
  price_sources: string[];
  wins_count: number;
  wins_by_pattern: Record<string, number>;
  wins_without_payout: number;
  won_cents: number;
  net_cents: number;
  best_win: CheckWin | null;
  exact_combination_drawn: string[];
  wins: CheckWin[];
  wins_truncated: boolean;
}

export interface CheckResult {
  game: string;
  window: Record<string, unknown>;
  data_version: string;
  draws: { count: number; first: string | null; last: string | null };
  totals: { tickets: number; draws_played: number; cost_cents: number; won_cents: number; net_cents: number; wins: number; unpriced_draws: number };
  wins_listed: number;
  max_win_rows: number;
  tickets: CheckTicket[];
  duration_ms: number;
  note: string;
}

export interface ParsedTickets {
  tickets: { numbers: number[]; bonus: number[] }[];
  /** Line number (1-based) -> why it could not be read. */
  errors: { line: number; msg: string }[];
}

/** One grid per line: "2 12 20 38 45 | 2 5" (numbers, a bar, the bonus balls); blank lines are skipped.
 *  Only the syntax is checked here: the API judges counts and ranges (and says which ticket is wrong). */
export function parseTickets(text: string, badLine: string): ParsedTickets {
  const out: ParsedTickets = { tickets: [], errors: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const halves = line.split("|");
    const nums = (s: string) => s.split(/[\s,;]+/).filter(Boolean);
    const parts = halves.map(nums);
    if (halves.length > 2 || parts.flat().some((p) => !/^\d+$/.test(p))) {
      out.errors.push({ line: i + 1, msg: badLine });
      return;
    }
    out.tickets.push({ numbers: parts[0].map(Number), bonus: (parts[1] ?? []).map(Number) });
  });
  return out;
}

/** Local storage key of the last finished generation of a game (set by the Générer page). */
export const lastGenerationKey = (game: string) => `lotostats.lastGeneration.${game}`;
