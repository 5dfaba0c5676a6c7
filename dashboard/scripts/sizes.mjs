// Prints the gzipped size of every built JS/CSS asset and what the storefront (`/`) loads.
import { storefrontBudget } from "./bundle.mjs";

const report = storefrontBudget();
for (const f of report.files) console.log(`  ${f.file.padEnd(48)} ${(f.gzip / 1024).toFixed(1).padStart(7)} KB gzip${f.initial ? "  (storefront)" : ""}`);
console.log(`  storefront JavaScript: ${(report.initialJsGzip / 1024).toFixed(1)} KB gzip (budget ${report.budget / 1024} KB)`);
if (report.initialJsGzip > report.budget) {
  console.error("  over the storefront budget");
  process.exitCode = 1;
}
