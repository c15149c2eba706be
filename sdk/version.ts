// The toolkit's version, written into status.json and generated-file headers' tooling.
// test/repo/package-metadata.test.ts keeps it equal to package.json's version (bump both).
export const VERSION = '0.1.0';
