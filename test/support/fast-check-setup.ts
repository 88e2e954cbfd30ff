import fc from 'fast-check';

// A property that fails is shrunk; where each run calls Helm, shrinking a large counterexample can
// take longer than the whole suite. Past ten minutes a property stops: a failure found so far is
// reported as it then stands (no property here takes a tenth of that when it passes).
const TIME_LIMIT = { interruptAfterTimeLimit: 600_000 };

// Replays a reported failure: FC_SEED=<seed> npx jest <file>
fc.configureGlobal(process.env.FC_SEED ? { ...TIME_LIMIT, seed: Number(process.env.FC_SEED), endOnFailure: true } : TIME_LIMIT);
