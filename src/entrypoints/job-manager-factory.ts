import type { ClusterComponentFactory } from './cluster-component.js';
import type { JobManagerComponentOptions } from '../runtime/entrypoint/job-manager-component.js';
import { JobManagerComponent } from '../runtime/entrypoint/job-manager-component.js';
import { jarRunner } from '../client/application/application-runner.js';
import { ApplicationClusterComponent, applicationOf } from './application-cluster-component.js';
import { resourceManagerOptions } from './resource-manager-factory.js';

/**
 * Builds the JobManager of any cluster kind: a session cluster (uploaded job files run through
 * the client machinery), or an application cluster when the configuration names a program.
 * `extra` lets the launcher add what its targets need (an active ResourceManager).
 */
export function jobManagerFactory(extra: JobManagerComponentOptions = {}): ClusterComponentFactory {
  return (configuration, logger) => {
    const options: JobManagerComponentOptions = {
      jarRunner: (component) => jarRunner(() => component, component.configuration),
      ...resourceManagerOptions(configuration),
      ...extra,
    };
    const component = new JobManagerComponent(configuration, logger, options);
    const application = applicationOf(configuration);
    return application === undefined ? component : new ApplicationClusterComponent(component, application, logger.child('Application'));
  };
}
