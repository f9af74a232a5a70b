import { deleteMfaDevice } from '@dynamic-labs-sdk/client';
import { dynamicClient } from './client';

/** Device removal with the legacy token plumbing: reported, not rewritten. */
export async function removeDevice(deviceId: string) {
  const mfaAuthToken = dynamicClient.mfaToken ?? undefined;
  await deleteMfaDevice({ deviceId, mfaAuthToken });
}
