import { createDynamicClient } from '@dynamic-labs-sdk/client';

/** The headless JS SDK client used by the app's non-React code paths. */
export const dynamicClient = createDynamicClient({ environmentId: 'example-environment' });
