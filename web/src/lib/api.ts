/** Same-origin API client: relative URLs only, errors parsed into the API's one error shape. */

export type Game = "euromillions" | "loto";
export const GAMES: Game[] = ["euromillions", "loto"];

export interface ErrorItem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/** An answer that is not 2xx: its status, its error items and (for 429) the Retry-After seconds. */
export class ApiError extends Error {
  constructor(
    public status: number,
    public detail: ErrorItem[],
    public retryAfter: number | null = null,
  ) {
    super(detail.map((d) => d.msg).join("; ") || `HTTP ${status}`);
    this.name = "ApiError";
  }
}

export interface Fetched<T> {
  data: T;
  cache: string | null;
}

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Parses a non-2xx answer into an ApiError (tolerates a body that is not the usual shape). */
export async function toApiError(res: Response): Promise<ApiError> {
  let detail: ErrorItem[] = [];
  try {
    const body = await res.json();
    if (Array.isArray(body?.detail)) detail = body.detail;
    else if (typeof body?.detail === "string") detail = [{ loc: [], msg: body.detail, type: "error" }];
  } catch {
    detail = [];
  }
  const ra = res.headers.get("Retry-After");
  const retry = ra !== null && /^\d+$/.test(ra.trim()) ? Number(ra) : null;
  return new ApiError(res.status, detail, retry);
}

/** GET a JSON resource; returns its body and its X-Cache header. */
export async function getJson<T>(url: string, fetcher: FetchLike = fetch): Promise<Fetched<T>> {
  const res = await fetcher(url, { headers: { Accept: "application/json" } });
  if (!res.ok) throw await toApiError(res);
  return { data: (await res.json()) as T, cache: res.headers.get("X-Cache") };
}

/** POST a JSON body; returns the parsed answer. */
export async function postJson<T>(url: string, body: unknown, fetcher: FetchLike = fetch): Promise<T> {
  const res = await fetcher(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

/** Builds `/api/{game}/{path}?…` leaving out empty parameters. */
export function apiUrl(game: Game, path: string, params: Record<string, string | number | null | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  }
  const qs = q.toString();
  return `/api/${game}/${path}${qs ? `?${qs}` : ""}`;
}
