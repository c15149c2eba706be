// The toolkit's version, written into status.json and generated-file headers' tooling.
// A test keeps it equal to package.json's version.
export const VERSION = '0.1.0';
