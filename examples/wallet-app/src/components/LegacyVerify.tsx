import { useState } from 'react';
import { useMfa } from '@dynamic-labs/sdk-react-core';

/** Still on the long-deprecated positional API: reported as outdated. */
export function LegacyVerify() {
  const [code, setCode] = useState('');
  const { authDevice } = useMfa();
  return (
    <div>
      <input value={code} onChange={(e) => setCode(e.target.value)} />
      <button onClick={() => authDevice(code)}>Verify (old API)</button>
    </div>
  );
}
