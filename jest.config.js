/** Jest runs TypeScript through SWC: no type-checking here (that is `npm run typecheck`), just speed. */
// These packages ship only ES modules. Node (>= 20.19) loads them with a plain require(), but Jest's
// own module loader cannot before Node 24.9, so Jest compiles them to CommonJS like our TypeScript.
const ESM_ONLY = ['jose', 'openid-client', 'oauth4webapi', 'oidc-provider'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testTimeout: 30000,
  // Browser and multi-instance tests start processes; two cores cannot run many files at once.
  maxWorkers: 2,
};
