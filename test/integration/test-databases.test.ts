import { openTestDb } from '../helpers/databases';
import { describeWith } from '../helpers/services';

/**
 * The helper every PostgreSQL suite stands on: test files running at once each migrate a schema of
 * their own and drop it at the end. A drop during another file's migration once failed that
 * migration ("schema test_… does not exist", from Kysely's look over every schema).
 */
describeWith('TEST_DATABASE_URL', 'test schemas opened and dropped at once (postgres)', () => {
  it('six files opening and closing five schemas each all migrate', async () => {
    const files = Array.from({ length: 6 }, async () => {
      for (let i = 0; i < 5; i++) {
        const testDb = await openTestDb('postgres');
        await testDb.db.selectFrom('visits').select('id').execute();
        await testDb.close();
      }
    });
    await expect(Promise.all(files)).resolves.toHaveLength(6);
  }, 120_000);
});
