import { describe, expect, it } from "vitest";
import { errorsByField, fieldOf, submitErrors } from "./errors";
import { ApiError, toApiError } from "./api";

describe("fieldOf", () => {
  it.each([
    [["body", "count"], "count"],
    [["body", "exclude", 3], "exclude"],
    [["body", "window", "last"], "last"],
    [["query", "month"], "month"],
    [["body"], ""],
    [[], ""],
  ])("%j -> %s", (loc, field) => expect(fieldOf(loc as (string | number)[])).toBe(field));
});

describe("errorsByField", () => {
  it("groups every message under its field, form-wide ones under ''", () => {
    const out = errorsByField([
      { loc: ["body", "count"], msg: "Input should be less than or equal to 10000", type: "less_than_equal" },
      { loc: ["body", "exclude", 0], msg: "too big", type: "x" },
      { loc: ["body", "exclude", 1], msg: "too small", type: "x" },
      { loc: [], msg: "service down", type: "unavailable" },
    ]);
    expect(out).toEqual({
      count: ["Input should be less than or equal to 10000"],
      exclude: ["too big", "too small"],
      "": ["service down"],
    });
  });
});

describe("toApiError", () => {
  it("reads the detail list and Retry-After", async () => {
    const res = new Response(JSON.stringify({ detail: [{ loc: [], msg: "slow down", type: "rate_limited" }] }), {
      status: 429,
      headers: { "Retry-After": "7" },
    });
    const err = await toApiError(res);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(7);
    expect(err.message).toBe("slow down");
  });
  it("tolerates a body that is not JSON", async () => {
    const err = await toApiError(new Response("<html>bad gateway</html>", { status: 502 }));
    expect(err.detail).toEqual([]);
    expect(err.message).toBe("HTTP 502");
    expect(err.retryAfter).toBeNull();
  });
});

describe("submitErrors", () => {
  it("a 429 shows only the retry delay (1 s when the server gives none)", () => {
    expect(submitErrors(new ApiError(429, [{ loc: [], msg: "slow down", type: "rate" }], 7))).toEqual({ fieldErrors: {}, retryAfter: 7 });
    expect(submitErrors(new ApiError(429, [])).retryAfter).toBe(1);
  });
  it("a 422 groups by field; an error without items is form-wide", () => {
    expect(submitErrors(new ApiError(422, [{ loc: ["body", "count"], msg: "too big", type: "x" }]))).toEqual({ fieldErrors: { count: ["too big"] }, retryAfter: null });
    expect(submitErrors(new ApiError(503, []))).toEqual({ fieldErrors: { "": ["HTTP 503"] }, retryAfter: null });
  });
  it("a network error is form-wide", () => {
    expect(submitErrors(new TypeError("Failed to fetch"))).toEqual({ fieldErrors: { "": ["Failed to fetch"] }, retryAfter: null });
  });
});
