import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing but Node; `integration` (*.int.test.ts) gets a real
// kube-apiserver + etcd + kube-controller-manager and real PostgreSQL + Redis from
// test/global-setup.ts, started once per run and shared by every file that needs them.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration files share one control plane; keep the machine (2 cores) responsive.
          maxWorkers: 2,
        },
      },
    ],
  },
});
