// Each @ts-expect-error must fire: if the SDK declarations degraded to `any`,
// tsc reports TS2578 (unused directive) and the harness fails.
import { MFAAction, useMfa, useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';
import { TokenScope } from '@dynamic-labs/sdk-api-core';

export function Canary({ code }: { code: string }) {
  const { isStepUpRequired, verifyTotpMfa, promptStepUpAuth } = useStepUpAuthentication();
  const { authenticateDevice } = useMfa();
  const run = async () => {
    await isStepUpRequired({ scope: TokenScope.Walletexport });
    await verifyTotpMfa({ code, requestedScopes: [TokenScope.Walletsign] });
    await authenticateDevice({ code, createMfaToken: { singleUse: true } });
    // @ts-expect-error  a string literal is not a TokenScope
    await isStepUpRequired({ scope: 'wallet:export' });
    // @ts-expect-error  MFAAction is not a TokenScope
    await promptStepUpAuth({ requestedScopes: [MFAAction.WalletWaasExport] });
    // @ts-expect-error  verifyTotpMfa needs a code
    await verifyTotpMfa({ requestedScopes: [TokenScope.Walletsign] });
    // @ts-expect-error  verifyTotpMfa takes no device type
    await verifyTotpMfa({ code, type: 'totp' });
  };
  // @ts-expect-error  @types/react is loaded: onClick is a function
  return <button onClick={123}>{String(run)}</button>;
}
