/**
 * @module
 * Command-line flags shared by the benchmarks: bounded numbers and `--only=<server>`.
 */

/** `--name=N`, a number in (0, max]; `fallback` when absent. Throws on anything else. */
export function numericFlag(name: string, fallback: number, max: number): number {
  const raw = Bun.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1]
  const value = raw === undefined ? fallback : Number(raw)
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`--${name} must be a number in (0, ${max}]`)
  return value
}

/** The value of `--only=`, when given. */
export const onlyFlag = (): string | undefined => Bun.argv.find((a) => a.startsWith("--only="))?.split("=")[1]
