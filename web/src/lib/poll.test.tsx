import { describe, expect, it, vi, afterEach } from "vitest";
import { renderHook, waitFor } from "@testing-library/react";
import { isBusy, useTaskPolling, type TaskStatus } from "./poll";

const status = (state: string, done: number, total = 100): TaskStatus => ({
  task_id: "t1",
  state,
  progress: { done, total },
  result: state === "SUCCESS" ? { game: "loto", strategy: "random", seed: 1, count: 1, draw_count: 9, duration_ms: 3, data_version: "v", grids: [], note: "n" } : null,
  error: null,
});

/** A fake fetch answering the given statuses in order (the last one repeats), recording call times. */
function fakeFetch(answers: (TaskStatus | Response)[]) {
  const calls: number[] = [];
  const fn = vi.fn(async () => {
    calls.push(Date.now());
    const a = answers[Math.min(calls.length - 1, answers.length - 1)];
    return a instanceof Response ? a : new Response(JSON.stringify(a), { status: 200 });
  });
  return { fn, calls };
}

afterEach(() => vi.useRealTimers());

describe("useTaskPolling", () => {
  it("stays idle without a URL", () => {
    const { fn } = fakeFetch([status("SUCCESS", 1)]);
    const { result } = renderHook(() => useTaskPolling(null, { fetcher: fn }));
    expect(result.current.status).toBeNull();
    expect(fn).not.toHaveBeenCalled();
  });

  it("reports each state until SUCCESS, then stops polling", async () => {
    const { fn } = fakeFetch([status("PENDING", 0), status("PROGRESS", 30), status("PROGRESS", 60), status("SUCCESS", 100)]);
    const seen: string[] = [];
    const { result } = renderHook(() => {
      const r = useTaskPolling("/api/loto/task-status/t1", { fetcher: fn, intervalMs: 5 });
      if (r.status) seen.push(`${r.status.state}:${r.status.progress?.done}`);
      return r;
    });
    await waitFor(() => expect(result.current.status?.state).toBe("SUCCESS"));
    expect([...new Set(seen)]).toEqual(["PENDING:0", "PROGRESS:30", "PROGRESS:60", "SUCCESS:100"]);
    expect(fn).toHaveBeenCalledTimes(4);
    await new Promise((r) => setTimeout(r, 30));
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it("waits the interval between polls (never overlapping)", async () => {
    const { fn, calls } = fakeFetch([status("PROGRESS", 10), status("PROGRESS", 20), status("SUCCESS", 100)]);
    const { result } = renderHook(() => useTaskPolling("/x", { fetcher: fn, intervalMs: 40 }));
    await waitFor(() => expect(result.current.status?.state).toBe("SUCCESS"));
    expect(calls[1] - calls[0]).toBeGreaterThanOrEqual(35);
    expect(calls[2] - calls[1]).toBeGreaterThanOrEqual(35);
  });

  it("surfaces an API error and stops", async () => {
    const body = JSON.stringify({ detail: [{ loc: ["path", "task_id"], msg: "unknown task", type: "not_found" }] });
    const { fn } = fakeFetch([new Response(body, { status: 404 })]);
    const { result } = renderHook(() => useTaskPolling("/x", { fetcher: fn, intervalMs: 5 }));
    await waitFor(() => expect(result.current.error?.message).toBe("unknown task"));
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("gives up after maxPolls while the task never ends", async () => {
    const { fn } = fakeFetch([status("STARTED", 0)]);
    const { result } = renderHook(() => useTaskPolling("/x", { fetcher: fn, intervalMs: 1, maxPolls: 3 }));
    await waitFor(() => expect(result.current.error?.message).toBe("timeout"));
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("stops polling when unmounted", async () => {
    const { fn } = fakeFetch([status("PROGRESS", 1)]);
    const { unmount } = renderHook(() => useTaskPolling("/x", { fetcher: fn, intervalMs: 10 }));
    await waitFor(() => expect(fn).toHaveBeenCalledTimes(1));
    unmount();
    const n = fn.mock.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(fn.mock.calls.length).toBeLessThanOrEqual(n + 1);
  });
});

describe("isBusy", () => {
  const at = (state: string): TaskStatus => ({ task_id: "t", state, progress: null, result: null, error: null });
  it("is busy while submitting, and while the queued task has not ended", () => {
    expect(isBusy(true, null, null)).toBe(true);
    expect(isBusy(false, "/s", null)).toBe(true);
    expect(isBusy(false, "/s", at("PROGRESS"))).toBe(true);
  });
  it("is idle with nothing queued, or once the task ended", () => {
    expect(isBusy(false, null, null)).toBe(false);
    expect(isBusy(false, "/s", at("SUCCESS"))).toBe(false);
    expect(isBusy(false, "/s", at("FAILURE"))).toBe(false);
  });
});
