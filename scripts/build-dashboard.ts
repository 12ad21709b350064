/**
 * Builds the dashboard (`ui/`) into `dist/dashboard/`: one minified, content-hashed script and
 * stylesheet, their gzip twins, and an `index.html` naming them. `bun install` runs it (the
 * `postinstall` script), so a fresh clone serves `/_/` without a separate step.
 */
import { gzipSync } from "bun"
import { mkdirSync, readdirSync, rmSync, statSync } from "node:fs"
import { basename, join } from "node:path"

const root = join(import.meta.dir, "..")
const outdir = join(root, "dist", "dashboard")

rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })
const result = await Bun.build({
  entrypoints: [join(root, "ui", "main.tsx")],
  outdir,
  target: "browser",
  minify: true,
  naming: "[name]-[hash].[ext]",
  define: { "process.env.NODE_ENV": '"production"' },
})
if (!result.success) {
  for (const log of result.logs) console.error(log)
  process.exit(1)
}
const script = result.outputs.find((o) => o.path.endsWith(".js"))
const style = result.outputs.find((o) => o.path.endsWith(".css"))
const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pocketbun dashboard</title>
<link rel="icon" href="data:,">
${style ? `<link rel="stylesheet" href="./${basename(style.path)}">` : ""}
</head>
<body>
<div id="app"></div>
<script type="module" src="./${basename(script!.path)}"></script>
</body>
</html>
`
await Bun.write(join(outdir, "index.html"), html)
for (const name of readdirSync(outdir)) {
  if (!/\.(js|css)$/.test(name)) continue
  const path = join(outdir, name)
  const gz = gzipSync(await Bun.file(path).bytes(), { level: 9 })
  await Bun.write(`${path}.gz`, gz)
  console.log(`dashboard: ${name} ${statSync(path).size} bytes, ${gz.byteLength} gzipped`)
}
