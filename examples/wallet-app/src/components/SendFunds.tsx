import { useCallback } from 'react';
import { useIsMfaRequiredForAction, useMfa } from '@/lib/dynamic';
import { MFAAction } from '@dynamic-labs/sdk-api-core';

type Sender = { sendBalance: (to: string, amount: string) => Promise<string> };

/** Imports the hooks through the app's barrel, via the `@/` paths alias. */
export function SendFunds({ sender, code }: { sender: Sender; code: string }) {
  const mfa = useMfa();
  const isMfaRequiredForAction = useIsMfaRequiredForAction();

  const onSend = useCallback(async () => {
    if (await isMfaRequiredForAction({ mfaAction: MFAAction.WalletWaasSign })) {
      await mfa.authenticateDevice({ code, createMfaToken: { singleUse: true } });
    }
    await sender.sendBalance('0xabc', '0.1');
  }, [code, isMfaRequiredForAction, mfa, sender]);

  return <button onClick={onSend}>Send</button>;
}
