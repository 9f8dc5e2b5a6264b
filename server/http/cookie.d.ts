// The `cookie` package (0.7) ships no types and @types/cookie is not installed; this is the part we use.
declare module 'cookie' {
  export function parse(header: string, options?: { decode?: (value: string) => string }): Record<string, string | undefined>;
}
