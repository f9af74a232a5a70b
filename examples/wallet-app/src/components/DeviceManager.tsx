import { useEffect, useState } from 'react';
import { useMfa } from '@dynamic-labs/sdk-react-core';
import type { MFADevice } from '@dynamic-labs/sdk-api-core';

/**
 * Device management stays on useMfa. Deleting a device still needs an MFA
 * token, so the token-creating call here must be migrated by hand.
 */
export function DeviceManager({ code }: { code: string }) {
  const { getUserDevices, deleteUserDevice, authenticateDevice } = useMfa();
  const [devices, setDevices] = useState<MFADevice[]>([]);

  useEffect(() => {
    getUserDevices().then(setDevices);
  }, [getUserDevices]);

  const onDelete = async (id: string) => {
    const mfaToken = await authenticateDevice({ code, createMfaToken: { singleUse: true } });
    if (mfaToken) await deleteUserDevice(id, mfaToken);
  };

  return (
    <ul>
      {devices.map((d) => (
        <li key={d.id}>
          {d.id} <button onClick={() => d.id && onDelete(d.id)}>Remove</button>
        </li>
      ))}
    </ul>
  );
}
