import { isMfaRequiredForAction, MFAAction } from '@dynamic-labs-sdk/client';
import { useAuthenticateTotpMfaDevice } from '@dynamic-labs-sdk/react-hooks';
import { useState } from 'react';

/** The JS SDK's React hooks: mutate() takes the same options as the function. */
export function HeadlessSign({ sign }: { sign: () => Promise<void> }) {
  const [code, setCode] = useState('');
  const { mutate: authenticateTotpMfaDevice } = useAuthenticateTotpMfaDevice();

  const onSign = async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasSign })) {
      authenticateTotpMfaDevice({ code, createMfaTokenOptions: { singleUse: true } }, { onSuccess: () => void sign() });
    }
  };

  return (
    <div>
      <input value={code} onChange={(e) => setCode(e.target.value)} />
      <button onClick={onSign}>Sign</button>
    </div>
  );
}
