// swagger-ui-dist ships no types: the little of SwaggerUIBundle the API reference page uses.
declare module 'swagger-ui-dist/swagger-ui-es-bundle.js' {
  interface SwaggerUIOptions {
    spec: Record<string, unknown>;
    domNode: HTMLElement;
    /** null: no call to the public validator (no network beyond the console). */
    validatorUrl: string | null;
    /** []: no "Try it out" (the page may reach only the console's own server). */
    supportedSubmitMethods: string[];
    deepLinking?: boolean;
    docExpansion?: 'list' | 'full' | 'none';
    defaultModelsExpandDepth?: number;
  }
  const SwaggerUIBundle: (options: SwaggerUIOptions) => unknown;
  export default SwaggerUIBundle;
}
