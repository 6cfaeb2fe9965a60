/** `1 file`, `2 files`: a count with its noun, singular for one. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
