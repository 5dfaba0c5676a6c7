import { describe, expect, it } from "vitest";
import snapshot from "../../src/api/openapi.json";
import { CONTRACT_ONLY_ROUTES } from "../../src/api/types";

// The hand-written contract routes (src/api/types.ts) fill gaps of the OpenAPI snapshot. Once
// `npm run api:types` brings a route into the snapshot, its generated type wins and the
// hand-written entry must go (this test says which), so nothing is described twice.
describe("API types", () => {
  const paths = (snapshot as { paths: Record<string, Record<string, unknown>> }).paths;

  it("describes in types.ts only routes the OpenAPI snapshot lacks", () => {
    const described = Object.entries(CONTRACT_ONLY_ROUTES as Record<string, readonly string[]>).flatMap(([path, methods]) =>
      methods.filter((m) => paths[path]?.[m]).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(described, "now in openapi.json: delete these from ContractPaths in src/api/types.ts").toEqual([]);
  });

  it("has a snapshot with the routes the dashboard depends on", () => {
    for (const path of ["/api/auth/login", "/api/auth/refresh", "/api/events", "/api/events/{id}", "/api/orders", "/api/orders/{id}", "/api/checkin", "/api/checkin/events/{eventId}/bundle", "/api/checkin/events/{eventId}/sync", "/api/tickets/{id}/qr.png"]) {
      expect(paths[path], path).toBeDefined();
    }
  });
});
