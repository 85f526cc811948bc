import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every capture under `dir` (pcaps/), recursively, sorted so seeds are numbered the same everywhere. */
export function captureFiles(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...captureFiles(p));
    else if (/\.(pcap|pcapng)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}
