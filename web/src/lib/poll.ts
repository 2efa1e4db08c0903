/** Polls a Celery task's status URL until it ends, reporting every state seen. */
import { useEffect, useRef, useState } from "react";
import { getJson, type ApiError } from "./api";

export interface Grid {
  numbers: number[];
  bonus: number[];
  score: number | null;
  reason: string | null;
}
export interface GenerationResult {
  game: string;
  strategy: string;
  seed: number | null;
  count: number;
  draw_count: number;
  duration_ms: number;
  data_version: string;
  grids: Grid[];
  note: string;
}
export interface TaskStatus<R = GenerationResult> {
  task_id: string;
  state: string;
  progress: { done: number; total: number } | null;
  result: R | null;
  error: string | null;
}

export const RUNNING_STATES = new Set(["PENDING", "STARTED", "PROGRESS", "RETRY", "RECEIVED"]);
export const isRunning = <R,>(s: TaskStatus<R> | null) => s !== null && RUNNING_STATES.has(s.state);
/** A form is busy while it submits, and while the task it queued (at `url`) is not known to have ended. */
export const isBusy = <R,>(submitting: boolean, url: string | null, s: TaskStatus<R> | null) =>
  submitting || (url !== null && (s === null || isRunning(s)));

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface PollOptions {
  intervalMs?: number;
  fetcher?: FetchLike;
  /** Gives up after this many polls (a worker that never answers). */
  maxPolls?: number;
}

/** Polls `url` every `intervalMs` (after each answer, never overlapping) while the task runs; null url = idle. */
export function useTaskPolling<R = GenerationResult>(url: string | null, opts: PollOptions = {}) {
  const { intervalMs = 150, fetcher = (i, init) => fetch(i, init), maxPolls = 4000 } = opts;
  const [status, setStatus] = useState<TaskStatus<R> | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  useEffect(() => {
    setStatus(null);
    setError(null);
    if (!url) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let polls = 0;
    const tick = async () => {
      polls += 1;
      try {
        const { data } = await getJson<TaskStatus<R>>(url, fetcherRef.current);
        if (cancelled) return;
        setStatus(data);
        if (RUNNING_STATES.has(data.state)) {
          if (polls >= maxPolls) setError(new Error("timeout"));
          else timer = setTimeout(tick, intervalMs);
        }
      } catch (e) {
        if (!cancelled) setError(e as Error);
      }
    };
    void tick();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [url, intervalMs, maxPolls]);

  return { status, error };
}
