import { describe, expect, it } from "vitest";
import { Spectral, Document } from "@stoplight/spectral-core";
import { Json } from "@stoplight/spectral-parsers";
import { oas } from "@stoplight/spectral-rulesets";
import { Client } from "./client";

const SEVERITY = ["error", "warning", "info", "hint"];

/** The merged document as served by the gateway, linted like `spectral lint --ruleset spectral:oas`. */
describe("merged OpenAPI document quality", () => {
  it("has no Spectral spectral:oas warning or error", async () => {
    const doc = await new Client().get("/api/openapi.json");
    expect(doc.status).toBe(200);
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [oas as never] });
    const results = await spectral.run(new Document(doc.text, Json, "openapi.json"));
    const problems = results
      .filter((r) => r.severity <= 1)
      .map((r) => `${SEVERITY[r.severity]} ${r.code} at ${r.path.join(".")}: ${r.message}`);
    expect(problems, `Spectral found:\n${problems.join("\n")}`).toEqual([]);
  });

  it("gives every operation a unique camelCase operationId", async () => {
    const doc = (await new Client().get("/api/openapi.json")).json;
    const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(
      ([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method} ${path}`, operationId: op.operationId })),
    );
    expect(operations.length).toBeGreaterThan(40);
    expect(operations.filter((o) => !/^[a-z][a-zA-Z0-9]*$/.test(o.operationId ?? "")).map((o) => o.route)).toEqual([]);
    const routesById = new Map<string, string[]>();
    for (const o of operations) routesById.set(o.operationId!, [...(routesById.get(o.operationId!) ?? []), o.route]);
    expect([...routesById].filter(([, routes]) => routes.length > 1)).toEqual([]);
  });
});
