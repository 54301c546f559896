/** Jest runs TypeScript through SWC: no type-checking here (that is `npm run typecheck`), just speed. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 30000,
  // Browser and multi-instance tests start processes; two cores cannot run many files at once.
  maxWorkers: 2,
};
