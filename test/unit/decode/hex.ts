/**
 * Test helpers for hand-written frames: `hex('45 00', '00 3c')` joins
 * space-separated hex byte strings into a Buffer, so fixtures can be written
 * one header field per line with a comment beside it.
 */
export function hex(...parts: string[]): Buffer {
  const text = parts.join(' ').trim();
  if (text === '') return Buffer.alloc(0);
  const bytes = text.split(/\s+/).map((b) => {
    if (!/^[0-9a-fA-F]{2}$/.test(b)) throw new Error(`bad hex byte ${JSON.stringify(b)}`);
    return parseInt(b, 16);
  });
  return Buffer.from(bytes);
}

/** A copy of `frame` with single bytes replaced: `patch(f, { 42: 0x00 })`. */
export function patch(frame: Uint8Array, bytes: Record<number, number>): Buffer {
  const copy = Buffer.from(frame);
  for (const [k, v] of Object.entries(bytes)) {
    const i = Number(k);
    if (i < 0 || i >= copy.length) throw new Error(`patch offset ${i} outside the ${copy.length}-byte frame`);
    copy[i] = v;
  }
  return copy;
}

/** `n` bytes of filler, each `value`. */
export function fill(n: number, value = 0): string {
  return Array.from({ length: n }, () => value.toString(16).padStart(2, '0')).join(' ');
}

/** The DataView a layer decoder reads `buf` through (same indices; PacketView.dataViewOf in the decoder). */
export function dataView(buf: Uint8Array): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
}
