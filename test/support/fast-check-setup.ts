import fc from 'fast-check';

// Replays a reported failure: FC_SEED=<seed> npx jest <file>
if (process.env.FC_SEED) {
  fc.configureGlobal({ seed: Number(process.env.FC_SEED), endOnFailure: true });
}
