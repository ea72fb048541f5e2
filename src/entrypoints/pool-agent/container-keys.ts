/**
 * The configuration keys an agent sets for its containers, whatever their launch spec says.
 */
import { INTERNAL_PREFIX } from '../../config/index.js';
import { RESOURCE_MANAGER_DRIVER_KEY } from '../../launcher/ssh-resource-manager-driver.js';

export { RESOURCE_MANAGER_DRIVER_KEY };

/** The container a JobManager or TaskManager process runs as; also marks the process on its command line. */
export const CONTAINER_ID_KEY = `${INTERNAL_PREFIX}pool.container.id`;

/** The ResourceManager driver of every JobManager an agent starts. */
export const POOL_DRIVER = 'pool';
