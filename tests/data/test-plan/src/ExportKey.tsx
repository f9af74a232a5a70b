import { useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';
import { TokenScope } from '@dynamic-labs/sdk-api-core';

// Already migrated: its flow is in the test plan too.
export function ExportKey({ waas }: { waas: { exportWaasPrivateKey: () => Promise<void> } }) {
  const { promptStepUpAuth } = useStepUpAuthentication();
  const onClick = async () => {
    await promptStepUpAuth({ requestedScopes: [TokenScope.Walletexport] });
    await waas.exportWaasPrivateKey();
  };
  return <button onClick={onClick}>Export</button>;
}
