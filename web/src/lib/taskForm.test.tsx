import { describe, expect, it } from "vitest";
import { act, renderHook } from "@testing-library/react";
import { ApiError } from "./api";
import { useTaskForm } from "./taskForm";

describe("useTaskForm", () => {
  it("a 429 shows only the retry delay; errors found before sending clear it", async () => {
    const { result } = renderHook(() => useTaskForm());
    await act(() => result.current.run(async () => Promise.reject(new ApiError(429, [], 4))));
    expect(result.current.retryAfter).toBe(4);
    expect(result.current.fieldErrors).toEqual({});
    expect(result.current.running).toBe(false);
    act(() => result.current.showErrors({ count: ["too big"] }));
    expect(result.current.retryAfter).toBeNull();
    expect(result.current.fieldErrors).toEqual({ count: ["too big"] });
  });

  it("a 422 goes to its field; an answer given at once queues nothing", async () => {
    const { result } = renderHook(() => useTaskForm());
    const bad = new ApiError(422, [{ loc: ["body", "seed"], msg: "negative", type: "x" }]);
    await act(() => result.current.run(async () => Promise.reject(bad)));
    expect(result.current.fieldErrors).toEqual({ seed: ["negative"] });
    await act(() => result.current.run(async () => null));
    expect(result.current.fieldErrors).toEqual({});
    expect(result.current.statusUrl).toBeNull();
    expect(result.current.running).toBe(false);
  });
});
