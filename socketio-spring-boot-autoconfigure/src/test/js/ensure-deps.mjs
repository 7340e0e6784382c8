// Run by Maven (generate-test-resources): `npm ci` here unless node_modules already matches package-lock.json.
// The stamp holds the lockfile's SHA-256 and is written only after a successful install.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const lockfile = join(here, "package-lock.json");
const stamp = join(here, "node_modules", ".socketeer-lock.sha256");

const [major] = process.versions.node.split(".").map(Number);
if (major < 18) {
  console.error(`Socketeer's tests need Node >= 18, found ${process.version}. Install a newer Node (see README.md).`);
  process.exit(1);
}

const wanted = createHash("sha256").update(readFileSync(lockfile)).digest("hex");
if (existsSync(stamp) && readFileSync(stamp, "utf8").trim() === wanted) {
  console.log("[socketeer] test node_modules up to date with package-lock.json");
  process.exit(0);
}

console.log("[socketeer] npm ci in " + here);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: here, stdio: "inherit" });
if (result.error) {
  console.error(`[socketeer] could not run npm: ${result.error.message}. Install npm (it ships with Node).`);
  process.exit(1);
}
if (result.status !== 0) {
  console.error(`[socketeer] npm ci failed with exit code ${result.status}`);
  process.exit(result.status ?? 1);
}
writeFileSync(stamp, wanted + "\n");
