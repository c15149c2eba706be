// Types for scripts/build-generator-cache.mjs (plain JavaScript, run by node in the build), for
// the TypeScript that imports it (bench, tests).
export declare const CODE_CACHE_V8_FLAGS: string;
export declare function bundleBody(bundle: string, file?: string): string;
export declare function launcherSource(opts: { body: string; cache: Buffer; key: string }): string;
export interface ProduceOptions {
  node?: string;
  sampleRun?: boolean;
}
export declare function produceCodeCache(body: string, opts?: ProduceOptions): { cache: Buffer; key: string };
export declare function buildGeneratorCodeCache(file?: string, opts?: { node?: string; keepDir?: string }): void;
export declare function readLauncher(text: string, file?: string): { body: string; cacheBase64: string };
