/** The API's JSON shapes used by the screens (a subset of the OpenAPI schema). */
export interface DrawOut {
  draw_date: string;
  numbers: number[];
  bonus: number[];
}
export interface NumberStat {
  number: number;
  count: number;
  frequency: number;
  current_gap: number;
  last_drawn: string | null;
  eligible_draws?: number;
  expected?: number;
  max_gap?: number | null;
}
export interface HotColdNumber {
  number: number;
  recent_count: number;
  fair_expected: number;
  tail_probability: number;
}
export interface HotCold {
  last_n: number;
  hot: HotColdNumber[];
  cold: HotColdNumber[];
  note: string;
}
export interface QuickStats {
  game: string;
  draw_count: number;
  first_draw: DrawOut;
  last_draw: DrawOut;
  numbers: NumberStat[];
  bonus: NumberStat[];
  hot_cold: HotCold;
  data_version: string;
}
export type FullStats = QuickStats;

export interface PrizeTier {
  prize_table: string;
  rank: number;
  pattern: string | null;
  winners_france: number | null;
  winners_europe: number | null;
  prize: string | null;
  currency: string;
}
export interface Draw extends DrawOut {
  fdj_draw_id: string | null;
  prize_tiers: PrizeTier[];
}
export interface DrawPage {
  total: number;
  limit: number;
  offset: number;
  data_version: string;
  draws: Draw[];
}

export interface CacheDay {
  day: string;
  hits: number;
  misses: number;
  hit_rate: number | null;
}
export interface GenerationFigures {
  generations: number;
  failed: number;
  grids: number;
  p50_ms: number | null;
  p95_ms: number | null;
}
export interface BacktestRow {
  strategy: string;
  targets: number;
  tickets: number;
  mean_main_matches: number;
  expected_main_matches: number;
  main_ci_low: number | null;
  main_ci_high: number | null;
  main_p_value: number | null;
  verdict: string;
}
export interface PerformanceMetrics {
  game: string;
  days: number;
  cache: { scope: string; per_day: CacheDay[]; hits: number; misses: number; hit_rate: number | null };
  redis: { used_memory_human: string | null; keys: number; connected_clients: number | null };
  generation: Record<string, GenerationFigures>;
  backtest: BacktestRow[];
  backtest_verdict: { comparisons: number; cutoff: number; conclusion: string };
  backtest_note: string;
  service: { uptime_s: number; data_version: string; last_pipeline_run: { published_at: string | null; run_id: string | null } };
}

/** GET /api/{game}/odds (serving/odds.py OddsAnswer). */
export interface OddsPayout {
  draws_paid: number;
  draws_without_winner: number;
  mean: number | null;
  median: number | null;
  minimum: number | null;
  maximum: number | null;
  fdj_ranks: number[];
}
export interface OddsRank {
  rank: number;
  pattern: string;
  probability: number;
  probability_exact: string;
  one_in: number;
  one_in_rounded: number;
  payout: OddsPayout | null;
  return_per_euro: number | null;
}
export interface OddsAnswer {
  date: string;
  game: string;
  data_version: string;
  era: {
    start: string;
    end: string | null;
    numbers: string;
    bonus: string;
    numbers_count: number;
    numbers_max: number;
    bonus_count: number;
    bonus_max: number;
    combinations: number;
  };
  price: { start: string; cents: number; euros: number; source: string; note: string } | null;
  draws_covered: number;
  first_draw: string | null;
  last_draw: string | null;
  ranks: OddsRank[];
  any_rank: { probability: number; probability_exact: string; one_in: number; one_in_rounded: number };
  value: {
    below_jackpot: number | null;
    jackpot: number | null;
    total: number | null;
    ranks_without_payout: number[];
    jackpot_note: string;
  } | null;
  notes: string[];
}
