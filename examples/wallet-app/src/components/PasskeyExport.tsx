import { useAuthenticatePasskeyMFA, useIsMfaRequiredForAction } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';
import { exportKey } from '@/lib/wallet';

export function PasskeyExport({ address }: { address: string }) {
  const authenticatePasskeyMFA = useAuthenticatePasskeyMFA();
  const isMfaRequiredForAction = useIsMfaRequiredForAction();

  const onExport = async () => {
    const requires = await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasExport });
    if (requires) {
      await authenticatePasskeyMFA({ createMfaToken: { singleUse: false } });
    }
    await exportKey(address);
  };

  return <button onClick={onExport}>Export with passkey</button>;
}
