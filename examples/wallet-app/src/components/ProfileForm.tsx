import { useStepUpAuthentication } from '@dynamic-labs/sdk-react-core';
import { TokenScope } from '@dynamic-labs/sdk-api-core';

/** Already migrated: stepup leaves it alone. */
export function ProfileForm({ save }: { save: () => Promise<void> }) {
  const { isStepUpRequired, promptStepUpAuth } = useStepUpAuthentication();
  const onSave = async () => {
    if (await isStepUpRequired({ scope: TokenScope.Userupdate })) {
      await promptStepUpAuth({ requestedScopes: [TokenScope.Userupdate] });
    }
    await save();
  };
  return <button onClick={onSave}>Save profile</button>;
}
