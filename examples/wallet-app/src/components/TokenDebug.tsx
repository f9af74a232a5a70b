import { useGetMfaToken } from '@dynamic-labs/sdk-react-core';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

/** An admin-only debug panel that reads the raw MFA token: reported. */
export function TokenDebug() {
  const getMfaToken = useGetMfaToken();
  return (
    <button onClick={async () => console.log(await getMfaToken({ mfaAction: MFAAction.WalletWaasExport }))}>
      Show MFA token
    </button>
  );
}
