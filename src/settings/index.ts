/**
 * @module
 * The settings feature's public face: the service every other feature reads settings through,
 * the model types, and the helpers behind the settings API's test and Apple endpoints.
 */
export { SettingsService, SettingsLoadError, type SettingsListener } from "./service.ts"
export { defaultSettings, publicSettings } from "./model.ts"
export type {
  Settings,
  SmtpSettings,
  S3Settings,
  BackupsSettings,
  MetaSettings,
  RateLimitRule,
  RateLimitsSettings,
  TrustedProxySettings,
  BatchSettings,
  LogsSettings,
} from "./model.ts"
export { validateSettings } from "./validate.ts"
export { testS3, testEmail, defaultConnectionTests, TEST_EMAIL_TEMPLATES, type ConnectionTests, type TestEmailRequest } from "./connection-tests.ts"
export { generateAppleClientSecret } from "./apple-client-secret.ts"
export { isIpOrSubnet } from "./checks.ts"
