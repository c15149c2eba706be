// The harness lives in sdk/container/ (the demo boots with it too); tests import it from here.
export * from '../../sdk/container/nspawn.ts';
