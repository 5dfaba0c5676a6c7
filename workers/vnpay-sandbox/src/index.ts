import { Hono } from "hono";
import { createLogger, errorResponse, notFoundRoute, requestContext } from "@tickets/common";
import type { Env } from "./env";
import { mountRoutes } from "./routes";
import { errorPage } from "./pages";

export type { Env };

/** Local VNPAY sandbox emulator (development and tests only; never deployed). */
const app = new Hono<{ Bindings: Env }>();
app.use("*", requestContext("vnpay-sandbox"));
mountRoutes(app);
app.notFound(() => notFoundRoute());
app.onError((err, c) => {
  createLogger({ service: "vnpay-sandbox" }).error("unhandled_error", { error: err.message, path: c.req.path });
  if (c.req.path.startsWith("/merchant_webapi/")) return errorResponse(500, "internal_error", "Emulator error");
  return c.html(errorPage("99"), 500);
});

export default { fetch: app.fetch } satisfies ExportedHandler<Env>;
