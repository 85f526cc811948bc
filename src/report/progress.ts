/**
 * A one-line progress display for long replays, redrawn in place on a
 * terminal at most every `intervalMs`. It writes nothing when the stream is
 * not a TTY, so pipes and logs stay clean.
 */
export class ProgressLine {
  private lastDraw = 0;
  private readonly started = Date.now();
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly intervalMs = 250,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(path: string, bytesRead: number, fileSize: number, frames: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < this.intervalMs) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const rate = frames / seconds;
    const where = fileSize > 0 ? `${((100 * bytesRead) / fileSize).toFixed(1)}%` : `${(bytesRead / 1e6).toFixed(1)} MB`;
    this.stream.write(`\r\x1b[K${path}: ${where}, ${frames} frames, ${(rate / 1e6).toFixed(2)} M frames/s`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
