// `npm run dev`: the whole platform on http://localhost:8787 with persisted local state.
import { startStack, ROOT, WORKERS } from "./stack.mjs";
import { startCronTicker, workerCrons } from "./cron.mjs";
import { buildDashboard, serveDashboard } from "./dashboard.mjs";

const port = Number(process.env.PORT ?? 8787);
const dashboardPort = Number(process.env.DASHBOARD_PORT ?? 8788);
const base = `http://localhost:${port}`;
// The dashboard is built (API origin baked in) while the workers boot, then served by Pages dev.
const built = buildDashboard({ apiOrigin: base, quiet: true });
const stack = await startStack({ port });
const { sizes } = await built;
const dashboard = await serveDashboard({ port: dashboardPort });
console.log(`
  Edge Tickets is running.
    Dashboard      ${dashboard.url}   (built for ${base}; storefront JS ${/storefront JavaScript: ([^\n]+)/.exec(sizes)?.[1] ?? "?"})
    API            ${base}/api/health
    API reference  ${base}/api/docs   (OpenAPI: ${base}/api/openapi.json)
    VNPAY sandbox  ${base}/paymentv2/vpcpay.html (payment URLs from orders point here)
  Demo accounts
    admin@example.com      / admin-demo-pass
    organizer@example.com  / organizer-demo-pass
    buyer@example.com      / buyer-demo-pass
${stack.notes.map((n) => `  ${n}`).join("\n")}
  State persists in .wrangler/state (delete it to start over). Ctrl+C stops.
`);
const crons = workerCrons(ROOT, WORKERS);
const stopCrons = startCronTicker(stack.baseUrl, crons);
console.log(`  Cron Triggers run locally every minute (and once now): ${crons.map((c) => `${c.worker} "${c.cron}"`).join(", ")}\n`);
const shutdown = async () => { stopCrons(); await Promise.all([dashboard.stop(), stack.stop()]); process.exit(0); };
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
