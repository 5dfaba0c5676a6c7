// `npm run dev`: the whole platform on http://localhost:8787 with persisted local state.
import { startStack, ROOT, WORKERS } from "./stack.mjs";
import { startCronTicker, workerCrons } from "./cron.mjs";

const port = Number(process.env.PORT ?? 8787);
const stack = await startStack({ port });
const base = `http://localhost:${port}`;
console.log(`
  Edge Tickets is running.
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
const shutdown = async () => { stopCrons(); await stack.stop(); process.exit(0); };
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
