import { describe, expect, it } from "vitest";
import { matchPath, safeNext } from "../../src/lib/router";
import { ROUTES } from "../../src/App";

const ROUTE_PATTERNS = ROUTES.map((r) => r.path);

describe("router", () => {
  it("matches the contract's URL patterns and decodes parameters", () => {
    expect(matchPath("/events/:id", "/events/01ABC")).toEqual({ id: "01ABC" });
    expect(matchPath("/orders/:id", "/orders/a%20b/")).toEqual({ id: "a b" });
    expect(matchPath("/organizer/events/new", "/organizer/events/new")).toEqual({});
    expect(matchPath("/events/:id", "/events")).toBeNull();
    expect(matchPath("/events/:id", "/events/1/extra")).toBeNull();
    expect(matchPath("/", "/")).toEqual({});
  });

  it("has every URL the contract fixes, and /organizer/events/new wins over /organizer/events/:id", () => {
    expect(ROUTE_PATTERNS).toEqual(
      expect.arrayContaining(["/", "/events/:id", "/login", "/register", "/orders", "/orders/:id", "/support", "/organizer", "/organizer/events/new", "/organizer/events/:id", "/organizer/reports", "/organizer/support", "/checkin/:eventId"]),
    );
    expect(ROUTE_PATTERNS.indexOf("/organizer/events/new")).toBeLessThan(ROUTE_PATTERNS.indexOf("/organizer/events/:id"));
  });

  it("follows ?next= only to paths inside the app", () => {
    expect(safeNext("/orders/1?payment=success")).toBe("/orders/1?payment=success");
    for (const bad of ["//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "", null]) expect(safeNext(bad)).toBe("/");
  });
});
