// The layering of STYLE.md ("A layout that shows the architecture"), checked by `npm run lint`.
// Arrows run one way: api -> shared, worker -> shared, cli -> shared, local -> everything; inside api/ and
// worker/, pieces never import the plumbing above them. Paths are relative to the repository root.

/** Worker folders below the features: the plumbing every feature and processor composes. */
const WORKER_PLUMBING = '^worker/(fetch|upload|runtime)/';
/** Worker feature folders (zip/, ingest/, webhook/, and any added later): every folder that is not another layer. */
const WORKER_FEATURE = '^worker/(?!(fetch|upload|runtime|processors)/)[^/]+/';
/** The worker's composition root: main.ts, workers.ts and any other file at the top of worker/. */
const WORKER_ROOT = '^worker/[^/]+$';

/** The API's composition root. */
const API_COMPOSITION = '^api/(server|app|routes)\\.ts$';
/** API parts the handlers share, beside jobs/ middleware/ openapi/. */
const API_SHARED_PARTS = '^api/(route|deps|schemas|metrics|board|http-server)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle has no layer order: neither side can be understood, tested or moved without the other, and ' +
        'ES modules in a cycle can see each other half-initialised at start-up.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment:
        'An import that cannot be resolved is one the layering rules cannot see; tsc would fail on it too, so ' +
        'this only fires when the resolution here is set up wrong.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'shared-imports-no-side',
      comment:
        'shared/ is what BOTH api and worker (and cli) use; it must not depend on any one of them, nor on the ' +
        'client, the local stack, tests or benchmarks, or every side would pull in the others.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^(api|media|worker|cli|client|local|test|bench|fixtures|examples)/' },
    },
    {
      name: 'api-not-worker',
      comment:
        'The API and the worker are separate processes that meet only through shared/ (queues, job contracts, ' +
        'storage); an import between them would make one deploy the other. Neither uses the cli, the local ' +
        'stack, tests or benchmarks.',
      severity: 'error',
      from: { path: '^api/' },
      to: { path: '^(worker|media|cli|local|test|bench)/' },
    },
    {
      name: 'worker-not-api',
      comment:
        'The worker and the API are separate processes that meet only through shared/; neither uses the cli, ' +
        'the local stack, tests or benchmarks.',
      severity: 'error',
      from: { path: '^worker/' },
      to: { path: '^(api|media|cli|local|test|bench)/' },
    },
    {
      name: 'media-only-shared',
      comment:
        'The media process serves variant URLs on its own (rendering must not slow the job API): it builds on ' +
        'shared/ (config, tenants, storage, the variant contract) and npm packages, never on the API or a worker.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^(api|worker|cli|local|test|bench|drill|fixtures)/' },
    },
    {
      name: 'media-render-not-up',
      comment:
        'media/render/ is sharp and its limits, with no HTTP in it; serve/ and the handler above compose it. ' +
        'render/ importing them would point up.',
      severity: 'error',
      from: { path: '^media/render/' },
      to: { path: '^media/', pathNot: '^media/render/' },
    },
    {
      name: 'cli-only-shared',
      comment:
        'The operator cli runs without the API or a worker: it builds on shared/ (config, clients, tenants) and ' +
        'npm packages only.',
      severity: 'error',
      from: { path: '^cli/' },
      to: { pathNot: ['^(cli|client|shared)/', '(^|/)node_modules/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'client-browser-safe',
      comment:
        'client/ (the `ferry/client` entry) runs in browsers as well as Node: it runs nothing from outside ' +
        'client/ (no Node built-in, no npm package, no shared/ code, which would pull node:crypto in through the ' +
        'job registry) and takes only TYPES from the job contract in shared/. client/webhooks.ts is the ' +
        'Node-only entry `ferry/client/webhooks` (the verifier needs node:crypto).',
      severity: 'error',
      from: { path: '^client/', pathNot: '^client/webhooks\\.ts$' },
      to: { pathNot: '^client/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'client-only-shared',
      comment: 'The client talks to the API over HTTP: it imports no api/, worker/, cli/, local stack or tests.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(api|worker|cli|local|test|bench|drill|fixtures|examples)/' },
    },
    {
      name: 'production-not-test-code',
      comment:
        'What ships (api media worker shared cli local) must not depend on tests, benchmarks or their fixtures: ' +
        'those are left out of the build and the image.',
      severity: 'error',
      from: { path: '^(api|media|worker|shared|cli|client|local)/' },
      to: { path: '^(test|bench|drill|fixtures)/' },
    },
    {
      name: 'tests-and-benches-apart',
      comment:
        'Tests and benchmarks share fixtures through fixtures/, never each other: a benchmark must not break ' +
        'when a test helper changes, nor a test when a benchmark does.',
      severity: 'error',
      from: { path: '^(test|bench|drill)/' },
      to: { path: '^(test|bench|drill)/', pathNot: '^$1/' },
    },
    {
      name: 'worker-plumbing-not-up',
      comment:
        'fetch/, upload/ and runtime/ are the plumbing processors and features compose; they import no feature ' +
        'folder, no processors/ and no worker root file, or the plumbing would depend on what it serves.',
      severity: 'error',
      from: { path: WORKER_PLUMBING },
      to: { path: '^worker/', pathNot: WORKER_PLUMBING },
    },
    {
      name: 'worker-feature-not-up',
      comment:
        'A feature folder (zip/, ingest/, webhook/) is a piece a processor composes: it imports plumbing and ' +
        'shared/, never processors/ or the composition root above it.',
      severity: 'error',
      from: { path: WORKER_FEATURE },
      to: { path: ['^worker/processors/', WORKER_ROOT] },
    },
    {
      name: 'worker-processors-not-root',
      comment: 'processors/ is built by the composition root (main.ts, workers.ts); it must not import it back.',
      severity: 'error',
      from: { path: '^worker/processors/' },
      to: { path: WORKER_ROOT },
    },
    {
      name: 'api-parts-not-composition',
      comment:
        'server.ts, app.ts and routes.ts compose the API from its parts (createApp(deps), the one route table); ' +
        'no part imports them back, so every part can be built and tested with its own deps.',
      severity: 'error',
      from: { path: ['^api/(handlers|jobs|middleware|openapi)/', API_SHARED_PARTS] },
      to: { path: API_COMPOSITION },
    },
    {
      name: 'api-helpers-not-handlers',
      comment:
        'jobs/, middleware/ and the shared API parts are what handlers are made of; a helper that imported a ' +
        'handler would point up. What two handlers share belongs in jobs/.',
      severity: 'error',
      from: { path: ['^api/(jobs|middleware)/', API_SHARED_PARTS] },
      to: { path: '^api/handlers/' },
    },
  ],
  options: {
    doNotFollow: { path: ['node_modules'] },
    // Type-only imports count: a type pulled from the layer above is still an arrow pointing up.
    tsPreCompilationDeps: true,
    // Resolves NodeNext's `./x.js` specifiers to the `./x.ts` sources.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
