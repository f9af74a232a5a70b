import { ExportKeyButton } from '@/components/ExportKeyButton';
import { TotpSignForm } from '@/components/TotpSignForm';
import { PasskeyExport } from '@/components/PasskeyExport';
import { RecoveryCodeSign } from '@/components/RecoveryCodeSign';
import { DeviceManager } from '@/components/DeviceManager';
import { LoginMfa } from '@/components/LoginMfa';
import { RefreshWallet } from '@/components/RefreshWallet';
import { VerifyIdentity } from '@/components/VerifyIdentity';
import { AdminGate } from '@/components/AdminGate';
import { ProfileForm } from '@/components/ProfileForm';
import { SendFunds } from '@/components/SendFunds';

export function App() {
  return (
    <main>
      <LoginMfa />
      <ExportKeyButton />
      <TotpSignForm message="hello" />
      <PasskeyExport address="0x0" />
      <RecoveryCodeSign signer={{ signMessage: async (m) => m }} />
      <DeviceManager code="123456" />
      <RefreshWallet />
      <VerifyIdentity onVerified={() => undefined} />
      <AdminGate code="123456" />
      <ProfileForm save={async () => undefined} />
      <SendFunds sender={{ sendBalance: async () => '0x1' }} code="123456" />
    </main>
  );
}
