/** Stylesheets are imported for the bundler, which emits them as one CSS file. */
declare module "*.css"
