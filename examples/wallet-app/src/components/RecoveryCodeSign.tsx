import { useState } from 'react';
import { useMfa } from '@dynamic-labs/sdk-react-core';

/** Lost authenticator: a recovery code stands in for TOTP before a signature. */
export function RecoveryCodeSign({ signer }: { signer: { signMessage: (m: string) => Promise<string> } }) {
  const [code, setCode] = useState('');
  const mfa = useMfa();

  const onSign = async () => {
    await mfa.authenticateRecoveryCode({ code, createMfaToken: { singleUse: true } });
    await signer.signMessage('recovered');
  };

  return (
    <div>
      <input value={code} onChange={(e) => setCode(e.target.value)} />
      <button onClick={onSign}>Use recovery code</button>
    </div>
  );
}
