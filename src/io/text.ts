// UTF-8 for file headers. Browsers and Node both have TextEncoder/TextDecoder on globalThis; the
// core is compiled without DOM or Node types, so their few members used here are declared locally.
interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}
interface TextCodecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: string, options: { fatal: boolean }) => Utf8Decoder;
}

const codecs = globalThis as unknown as TextCodecs;
let strict: Utf8Decoder | null = null;

export function encodeUtf8(text: string): Uint8Array {
  return new codecs.TextEncoder().encode(text);
}

/** Decodes UTF-8, throwing a TypeError on malformed bytes instead of inventing U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  strict ??= new codecs.TextDecoder('utf-8', { fatal: true });
  return strict.decode(bytes);
}
