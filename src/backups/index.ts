/**
 * @module
 * The backups feature's public face: the service (create, list, upload, delete, restore,
 * automatic backups) and the backups filesystem seam.
 */
export { BackupsService, type BackupsServiceOptions } from "./service.ts"
export { LocalBackupFiles, type BackupFiles, type BackupFileInfo } from "./backup-files.ts"
