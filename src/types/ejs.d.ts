// EJS 7 ships no type declarations; this is the one function the portal calls (src/app.ts).
declare module 'ejs' {
  interface RenderOptions {
    /** Where an include by absolute name (`include('/partials/top')`) is looked up. */
    root?: string;
    /** Keep compiled templates by file name. */
    cache?: boolean;
  }
  const ejs: {
    renderFile(
      path: string,
      data: object,
      options: RenderOptions,
      callback: (err: Error | null, html?: string) => void,
    ): void;
  };
  export default ejs;
}
