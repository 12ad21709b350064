/**
 * @module
 * The dashboard's server side: serving the built UI and first-run superuser creation. The UI's
 * sources live in `ui/` and talk to the regular API; nothing here keeps per-process state.
 */
export { DASHBOARD_DIST, dashboardFile } from "./assets.ts"
export { INSTALL_TOKEN_DURATION, installFirstSuperuser, installLink, installTokenValid, needsFirstSuperuser, signInstallToken } from "./install.ts"
