import { createClient } from '@dynamic-labs/client';

/** The React Native client object (in a real app: .extend(ReactNativeExtension())). */
export const nativeClient = createClient({ environmentId: 'example-environment' });
