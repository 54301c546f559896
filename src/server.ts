import { createServer, type Server } from 'node:http';
import { createApp } from './app';
import { type Config, ConfigError, loadConfig } from './config';
import { loadOrCreateDevSecret } from './dev-secret';
import { createMetricsServer } from './ops/metrics-server';
import { logBootChecks } from './ops/doctor/run-checks';
import { listenProblem } from './ops/listen-problem';
import { openRuntime } from './runtime';
import { createLogger } from './web/logger';

// Longer than a load balancer's idle timeout (AWS ALB: 60 s), so the balancer, not Node, closes idle
// connections; otherwise it may reuse a socket Node just closed and answer 502 (nodejs/node#27363).
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
// Kubernetes waits 30 s after SIGTERM before SIGKILL; finish well inside that.
const DRAIN_TIMEOUT_MS = 25_000;
const DEV_SECRET_FILE = 'data/session-secret';

/** Listens on `port`; rejects (e.g. EADDRINUSE) instead of logging "listening" for a port it never got. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  if (config.sessionSecretGenerated) {
    config = { ...config, sessionSecrets: [await loadOrCreateDevSecret(DEV_SECRET_FILE)] };
    logger.warn(`SESSION_SECRET is not set: using a development secret kept in ${DEV_SECRET_FILE}`);
  }

  const runtime = await openRuntime(config, logger);
  let draining = false;
  const app = createApp({ ...runtime, config, logger, isDraining: () => draining });
  const server: Server = createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  const metricsServer = config.metricsPort === undefined ? undefined : createMetricsServer(runtime.metrics);
  try {
    await listen(server, config.port);
  } catch (error) {
    await runtime.close();
    throw new StartupError(listenProblem(error, 'PORT', config.port));
  }
  if (metricsServer) {
    try {
      await listen(metricsServer, config.metricsPort!);
    } catch (error) {
      server.close();
      await runtime.close();
      throw new StartupError(listenProblem(error, 'METRICS_PORT', config.metricsPort!));
    }
    logger.info(`metrics on port ${config.metricsPort} (GET /metrics; keep this port private)`);
  }
  logger.info(`Patient portal listening on ${config.publicUrl} (port ${config.port})`);
  runtime.startBackgroundJobs();
  // In the background: a wrong setting shows as a warning now, not as patients' errors later.
  void logBootChecks(config, logger).catch(() => undefined);

  const shutdown = async (signal: string) => {
    if (draining) return;
    draining = true;
    logger.info({ signal }, 'shutting down: /readyz now answers 503; finishing requests in progress');
    const forced = setTimeout(() => {
      logger.error('requests still running after the drain timeout; exiting');
      process.exit(1);
    }, DRAIN_TIMEOUT_MS + config.shutdownDelayMs);
    forced.unref();
    // Keep serving while the load balancer notices the failing readiness check.
    await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
    metricsServer?.close();
    metricsServer?.closeAllConnections();
    server.close(() => {
      runtime.close().then(
        () => {
          logger.info('shutdown complete');
          process.exit(0);
        },
        () => process.exit(1),
      );
    });
    // Idle keep-alive sockets would hold server.close() open until they time out; requests still in
    // flight answer with `Connection: close` (app.ts), so their sockets close once they are done.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 250).unref();
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** A startup problem whose message already says what to change: printed alone, exit 1. */
class StartupError extends Error {}

main().catch((error: unknown) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
