// Copies the official browser Socket.IO client (from the npm registry, pinned by package-lock.json) into the
// sample app's static resources: `npm ci` unless node_modules already matches the lockfile.
// Usage: node copy-client.mjs <target static dir>
import { createHash } from 'node:crypto';
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const target = process.argv[2];
const lockHash = createHash('sha256').update(readFileSync(join(here, 'package-lock.json'))).digest('hex');
const stamp = join(here, 'node_modules', '.socketeer-lock.sha256');
if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  execSync('npm ci --no-audit --no-fund', { cwd: here, stdio: 'inherit' });
  writeFileSync(stamp, lockHash);
}
const dist = join(here, 'node_modules', 'socket.io-client', 'dist');
mkdirSync(join(target, 'vendor'), { recursive: true });
for (const file of ['socket.io.min.js', 'socket.io.min.js.map']) {
  copyFileSync(join(dist, file), join(target, 'vendor', file));
}
