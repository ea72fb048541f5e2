/**
 * The REST server's settings from a Configuration, as Flink's RestServerEndpointConfiguration
 * reads them: bind address `rest.bind-address`, port `rest.bind-port` else `rest.port`, body
 * limit `rest.server.max-content-length`, uploads in `web.upload.dir`, the address clients are told
 * `rest.address`.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Configuration } from '../../config/index.js';
import type { Logger } from '../../core/logger.js';
import type { RestClusterFacade } from './rest-cluster-facade.js';
import type { RestServerOptions } from './rest-server.js';
import {
  REST_ADDRESS,
  REST_ASYNC_STORE_DURATION,
  REST_BIND_ADDRESS,
  REST_BIND_PORT,
  REST_PORT,
  REST_SERVER_MAX_CONTENT_LENGTH,
  TMP_DIRS,
  WEB_CANCEL_ENABLE,
  WEB_SUBMIT_ENABLE,
  WEB_UPLOAD_DIR,
} from '../../config/index.js';

/**
 * Server options for `configuration`. Without `web.upload.dir`, uploads go to a fresh directory
 * under the first `io.tmp.dirs` entry (else the OS temp dir), as Flink's `flink-web-upload`.
 */
export function restServerOptionsFrom(configuration: Configuration, facade: RestClusterFacade, logger: Logger): RestServerOptions {
  const tmp = configuration.get(TMP_DIRS)?.[0] ?? tmpdir();
  return {
    bindAddress: configuration.get(REST_BIND_ADDRESS),
    advertisedHost: configuration.get(REST_ADDRESS),
    port: configuration.get(REST_BIND_PORT) ?? configuration.get(REST_PORT),
    maxContentLength: configuration.get(REST_SERVER_MAX_CONTENT_LENGTH),
    logger,
    facade,
    uploadDir: resolve(configuration.get(WEB_UPLOAD_DIR) ?? join(tmp, `flink-ts-web-${randomUUID()}`, 'flink-web-upload')),
    webSubmitEnabled: configuration.get(WEB_SUBMIT_ENABLE),
    webCancelEnabled: configuration.get(WEB_CANCEL_ENABLE),
    asyncOperationStoreDurationMs: configuration.get(REST_ASYNC_STORE_DURATION),
  };
}
