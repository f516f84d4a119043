// esbuild bundles CSS imported from TypeScript into workbench.css.
declare module '*.css'
