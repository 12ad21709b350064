/**
 * @module
 * The dashboard's entry: routes each hash path to its view, behind the superuser login.
 */
import { render } from "preact"
import { useEffect, useState } from "preact/hooks"
import "./styles.css"
import { pb } from "./api.ts"
import { href, useRoute } from "./router.ts"
import { Login } from "./views/login.tsx"
import { Install } from "./views/install.tsx"
import { CollectionsList } from "./views/collections-list.tsx"
import { CollectionEditor } from "./views/collection-editor.tsx"
import { CollectionsTransfer } from "./views/collections-transfer.tsx"
import { RecordsBrowser } from "./views/records-browser.tsx"
import { RecordEditor } from "./views/record-editor.tsx"
import { RealtimeInspector } from "./views/realtime-inspector.tsx"
import { SettingsView } from "./views/settings.tsx"
import { LogsView } from "./views/logs.tsx"
import { BackupsView } from "./views/backups.tsx"
import { CronsView } from "./views/crons.tsx"

const NAV: Array<[string, string]> = [
  ["collections", "Collections"],
  ["realtime", "Realtime"],
  ["logs", "Logs"],
  ["settings", "Settings"],
  ["backups", "Backups"],
  ["crons", "Crons"],
]

function useSuperuser(): boolean {
  const valid = () => pb.authStore.isValid && pb.authStore.isSuperuser
  const [signedIn, setSignedIn] = useState(valid)
  useEffect(() => pb.authStore.onChange(() => setSignedIn(valid())), [])
  return signedIn
}

function View({ route }: { route: string[] }) {
  const [section = "collections", id, sub, recordId] = route
  switch (section) {
    case "login":
    case "collections":
      if (id === "new") return <CollectionEditor />
      if (id === "transfer") return <CollectionsTransfer />
      if (!id) return <CollectionsList />
      if (sub === "edit") return <CollectionEditor idOrName={id} />
      if (sub === "records" && recordId) return <RecordEditor collection={id} recordId={recordId === "new" ? null : recordId} />
      return <RecordsBrowser collection={id} />
    case "realtime":
      return <RealtimeInspector />
    case "logs":
      return <LogsView />
    case "settings":
      return <SettingsView />
    case "backups":
      return <BackupsView />
    case "crons":
      return <CronsView />
    default:
      return <p>Nothing here. <a href={href("collections")}>Back to collections</a></p>
  }
}

// After navigating from the menu, move focus to the new view so keyboard and screen-reader users land on it.
function useFocusOnNavigate(route: string[]) {
  const key = route.join("/")
  useEffect(() => {
    if (document.activeElement?.closest("nav.sidebar")) document.getElementById("main")?.focus()
  }, [key])
}

function App() {
  const route = useRoute()
  const signedIn = useSuperuser()
  useFocusOnNavigate(route)
  if (route[0] === "install" && route[1]) return <Install token={route[1]} />
  if (!signedIn) return <Login />
  const active = route[0] ?? "collections"
  return (
    <div class="shell">
      <a class="skip" href="#main">Skip to content</a>
      <nav class="sidebar" aria-label="Main">
        <div class="brand">pocketbun</div>
        <ul>
          {NAV.map(([path, text]) => (
            <li key={path}><a href={href(path)} aria-current={active === path ? "page" : undefined}>{text}</a></li>
          ))}
        </ul>
        <div class="who">
          <span title="Signed in as">{String(pb.authStore.record?.email ?? "")}</span>
          <button type="button" class="link" onClick={() => pb.authStore.clear()}>Sign out</button>
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        <View route={route} />
      </main>
    </div>
  )
}

render(<App />, document.getElementById("app")!)
