// CPU profile of every isolate in the local runtime while a benchmark phase runs: which worker
// (or D1 database object, or queue broker) the one workerd thread spent its time in, and the
// hottest functions. Used by bench:flash and bench:saga with BENCH_PROFILE=1.
//
// workerd's own inspector (not wrangler's proxy, which shows only the first worker) lists every
// isolate; Miniflare gives it a random port, found among the runtime's listening sockets.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

async function inspectorTargets() {
  const ports = new Set();
  for (const line of execFileSync("ss", ["-ltnp"], { encoding: "utf8" }).split("\n")) {
    if (!line.includes('"workerd"')) continue;
    const m = line.match(/127\.0\.0\.1:(\d+)/);
    if (m) ports.add(Number(m[1]));
  }
  for (const port of ports) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(1000) });
      const list = await res.json();
      if (Array.isArray(list) && list.some((t) => String(t.id).startsWith("core:user:"))) return list;
    } catch {}
  }
  throw new Error("no workerd inspector found (is the stack running on this machine?)");
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let seq = 0;
    const pending = new Map();
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.id && pending.has(msg.id)) {
        pending.get(msg.id)(msg);
        pending.delete(msg.id);
      }
    };
    ws.onerror = () => reject(new Error(`cannot connect ${url}`));
    ws.onopen = () =>
      resolve({
        // A target that does not answer (some internal isolates) must not stall the benchmark.
        send: (method, params = {}, ms = 5000) =>
          new Promise((r, fail) => {
            const id = ++seq;
            const timer = setTimeout(() => (pending.delete(id), fail(new Error(`${method} timed out`))), ms);
            pending.set(id, (msg) => (clearTimeout(timer), r(msg)));
            ws.send(JSON.stringify({ id, method, params }));
          }),
        close: () => ws.close(),
      });
  });
}

/** Starts profiling every isolate; `stop()` returns per-isolate busy time and the hottest functions. */
export async function startProfile({ intervalUs = 1000 } = {}) {
  const targets = (await inspectorTargets()).filter((t) => /^(core:user:|d1:db$|queues:queue$|core:entry)/.test(t.id));
  const sessions = [];
  for (const t of targets) {
    try {
      const s = await Promise.race([connect(t.webSocketDebuggerUrl), new Promise((_, f) => setTimeout(() => f(new Error("connect timed out")), 3000))]);
      await s.send("Profiler.enable");
      await s.send("Profiler.setSamplingInterval", { interval: intervalUs });
      await s.send("Profiler.start");
      sessions.push({ id: t.id, s });
    } catch (err) {
      console.error(`profile: ${t.id} skipped (${err.message})`);
    }
  }
  return {
    async stop(file) {
      const isolates = [];
      const functions = [];
      for (const { id, s } of sessions) {
        const stopped = await s.send("Profiler.stop", {}, 60_000).catch(() => null);
        const result = stopped?.result;
        s.close();
        const p = result?.profile;
        if (!p) continue;
        const byNode = new Map(p.nodes.map((n) => [n.id, n]));
        const self = new Map();
        let busy = 0;
        p.samples.forEach((nodeId, i) => {
          const dt = (p.timeDeltas[i] ?? 0) / 1000;
          const n = byNode.get(nodeId);
          const name = n.callFrame.functionName || "(anonymous)";
          if (name === "(idle)" || name === "(program)") return;
          busy += dt;
          const where = `${name} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
          self.set(where, (self.get(where) ?? 0) + dt);
        });
        isolates.push({ isolate: id.replace("core:user:", ""), busyMs: Math.round(busy) });
        for (const [where, ms] of self) functions.push({ isolate: id.replace("core:user:", ""), where, ms: Math.round(ms * 10) / 10 });
      }
      isolates.sort((a, b) => b.busyMs - a.busyMs);
      functions.sort((a, b) => b.ms - a.ms);
      const summary = { isolates, topFunctions: functions.slice(0, 40) };
      if (file) writeFileSync(file, JSON.stringify(summary, null, 2) + "\n");
      return summary;
    },
  };
}
