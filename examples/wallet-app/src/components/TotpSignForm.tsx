import { useCallback, useState } from 'react';
import { useIsMfaRequiredForAction, useMfa } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';
import { signWithWallet } from '@/lib/wallet';

/** Sign a message after a TOTP code, when the dashboard asks for MFA on signing. */
export function TotpSignForm({ message }: { message: string }) {
  const [code, setCode] = useState('');
  const { authenticateDevice, getUserDevices } = useMfa();
  const isMfaRequiredForAction = useIsMfaRequiredForAction();

  const onSign = useCallback(async () => {
    const [device] = await getUserDevices();
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasSign })) {
      await authenticateDevice({
        code,
        deviceId: device?.id,
        createMfaToken: { singleUse: true }, // one signature per code
      });
    }
    await signWithWallet(message);
  }, [authenticateDevice, code, getUserDevices, isMfaRequiredForAction, message]);

  return (
    <form onSubmit={(e) => { e.preventDefault(); void onSign(); }}>
      <input value={code} onChange={(e) => setCode(e.target.value)} placeholder="123456" />
      <button type="submit">Sign</button>
    </form>
  );
}
