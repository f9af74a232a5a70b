import { useState } from 'react';
import { useAuthenticatePasskeyMFA, useMfa } from '@dynamic-labs/sdk-react-core';

/** Login-time MFA: no createMfaToken, nothing to migrate. */
export function LoginMfa() {
  const [code, setCode] = useState('');
  const { authenticateDevice } = useMfa();
  const authenticatePasskeyMFA = useAuthenticatePasskeyMFA();

  return (
    <div>
      <input value={code} onChange={(e) => setCode(e.target.value)} />
      <button onClick={() => authenticateDevice({ code })}>Verify</button>
      <button onClick={() => authenticatePasskeyMFA()}>Use a passkey</button>
    </div>
  );
}
