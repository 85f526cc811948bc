import { UsageError } from '../errors.js';

/** "4789,8472" → [4789, 8472]; anything else is a usage error naming the flag. */
export function parsePortList(flag: string, text: string): number[] {
  if (text.trim() === '') return []; // "": none (a tunnel type turned off)
  const ports = text.split(',').map((part) => part.trim());
  return ports.map((part) => {
    if (!/^\d{1,5}$/.test(part) || Number(part) < 1 || Number(part) > 65535) {
      throw new UsageError(`${flag}: "${part}" is not a UDP port (1-65535)`);
    }
    return Number(part);
  });
}
