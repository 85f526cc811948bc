/**
 * Reading one series out of a Prometheus text exposition, for the tests that
 * scrape vxmon: the value of the line that starts with `series` (labels in
 * the order vxmon writes them), or undefined when there is no such line.
 */
export function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
