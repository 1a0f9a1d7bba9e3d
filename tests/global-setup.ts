import type { TestProject } from 'vitest/node';
import { prepareTestServer } from '../lib/db/testing';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    template: string;
  }
}

export default async function setup(project: TestProject) {
  const server = await prepareTestServer();
  project.provide('adminUrl', server.adminUrl);
  project.provide('template', server.template);
  return async () => {
    await server.stop();
  };
}
