/**
 * @module
 * OAuth2 sign-in: the provider catalogue, auth-methods, the code sign-in with account linking,
 * and the redirect endpoint that completes the SDK's popup flow over realtime.
 */
export { listAuthMethods } from "./auth-methods.ts"
export { signInWithOAuth2, type OAuth2Deps, type OAuth2SignIn } from "./sign-in.ts"
export { deliverForwardedRedirects, deliverRedirect, forwardRedirect, redirectPage, OAUTH2_TOPIC, type RedirectData } from "./redirect.ts"
export { AppleNames } from "./apple-names.ts"
export { listProviders, PROVIDERS, type OAuth2User, type ProviderSpec } from "./providers.ts"
