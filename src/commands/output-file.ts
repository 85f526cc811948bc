import { openSync } from 'node:fs';
import { UsageError } from '../errors.js';

/** Opens (creates or empties) an output file named by a flag; a path we cannot write is a usage error naming it. */
export function openOutput(flag: string, path: string): number {
  try {
    return openSync(path, 'w');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new UsageError(`replay: ${flag} ${path}: cannot write: ${why}`);
  }
}
