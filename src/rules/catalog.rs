//! Every rule stepup reports: its id, what it is about, and what to do.
//! SARIF rule metadata, the Markdown report and `stepup rules` read this.

use crate::finding::Severity;

pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub help: &'static str,
}

const fn rule(
    id: &'static str,
    severity: Severity,
    summary: &'static str,
    help: &'static str,
) -> RuleInfo {
    RuleInfo {
        id,
        severity,
        summary,
        help,
    }
}

use Severity::{Error, Info, Warning};

pub const RULES: &[RuleInfo] = &[
    rule(
        "is-mfa-required-for-action",
        Error,
        "useIsMfaRequiredForAction() checks an MFAAction",
        "Use isStepUpRequired({ scope: TokenScope.X }) from useStepUpAuthentication(). stepup rewrites it when the action is a literal MFAAction member with a TokenScope.",
    ),
    rule(
        "prompt-mfa-auth",
        Error,
        "usePromptMfaAuth() opens the legacy MFA prompt",
        "With createMfaToken use promptStepUpAuth({ requestedScopes: [TokenScope.X] }); without a token use promptMfa(). Both come from useStepUpAuthentication().",
    ),
    rule(
        "mfa-authenticate-device",
        Error,
        "useMfa().authenticateDevice creates a legacy MFA token",
        "Use verifyTotpMfa({ code, requestedScopes: [TokenScope.X] }). Calls without createMfaToken are login MFA and stay. A used token value cannot be rewritten: verifyTotpMfa resolves to a verification result.",
    ),
    rule(
        "mfa-authenticate-recovery-code",
        Error,
        "useMfa().authenticateRecoveryCode creates a legacy MFA token",
        "Use verifyRecoveryCode({ code, requestedScopes: [TokenScope.X] }).",
    ),
    rule(
        "authenticate-passkey-mfa",
        Error,
        "useAuthenticatePasskeyMFA() creates a legacy MFA token",
        "Use verifyPasskeyMfa({ requestedScopes: [TokenScope.X] }). relatedOriginRpId has no equivalent.",
    ),
    rule(
        "get-mfa-token",
        Error,
        "useGetMfaToken() reads the legacy MFA token",
        "The SDK attaches elevated access tokens itself; useGetElevatedAccessToken gives the raw token if it is really needed.",
    ),
    rule(
        "legacy-positional-auth",
        Warning,
        "authDevice(code) / authRecoveryCode(code) are long deprecated",
        "They never created a token: move to authenticateDevice (login) or verifyTotpMfa (step-up).",
    ),
    rule(
        "legacy-hook-unbound",
        Error,
        "a legacy hook result is not bound to a const in a component body",
        "stepup rewrites `const x = useX()` and `const { a } = useX()` in a component or hook body; migrate other shapes by hand.",
    ),
    rule(
        "legacy-hook-escapes",
        Warning,
        "the useMfa() result is passed on as a value",
        "Check where it goes for authenticateDevice / authenticateRecoveryCode with createMfaToken.",
    ),
    rule(
        "mfa-action-as-data",
        Warning,
        "an MFAAction value is used as data",
        "Step-up authentication works with TokenScope: review query keys, comparisons and settings that use MFAAction.",
    ),
    rule(
        "js-authenticate-totp-mfa-device",
        Error,
        "JS SDK authenticateTotpMfaDevice with createMfaTokenOptions",
        "Pass requestedScopes: [TokenScope.X] instead (TokenScope from @dynamic-labs-sdk/client). isMfaRequiredForAction stays.",
    ),
    rule(
        "js-authenticate-mfa-recovery-code",
        Error,
        "JS SDK authenticateMfaRecoveryCode with createMfaTokenOptions",
        "Pass requestedScopes: [TokenScope.X] instead.",
    ),
    rule(
        "js-authenticate-passkey-mfa",
        Error,
        "JS SDK authenticatePasskeyMFA with createMfaToken",
        "Pass requestedScopes: [TokenScope.X] instead.",
    ),
    rule(
        "consume-mfa-token",
        Error,
        "consumeMfaToken reads the legacy MFA token",
        "With step-up authentication the SDK attaches elevated access tokens itself: remove or replace the call.",
    ),
    rule(
        "mfa-token-state",
        Error,
        "a read of the SDK's legacy MFA token state",
        "Elevated access tokens are attached by the SDK; review what this value is used for.",
    ),
    rule(
        "delete-mfa-device-token",
        Error,
        "deleteMfaDevice passes an mfaAuthToken",
        "Check where the token now comes from: device deletion still asks for an MFA token.",
    ),
    rule(
        "create-mfa-token-option",
        Error,
        "a call into Dynamic code still asks for a legacy MFA token",
        "stepup has no rewrite for this call (e.g. registerPasskey({ createMfaToken })): review it.",
    ),
    rule(
        "client-mfa-is-required-for-action",
        Error,
        "client.mfa.isRequiredForAction checks an MFAAction",
        "Use client.stepUpAuth.isStepUpRequired({ scope: TokenScope.X }).",
    ),
    rule(
        "client-mfa-authenticate-device",
        Error,
        "client.mfa.authenticateDevice creates a legacy MFA token",
        "Use client.stepUpAuth.verifyTotpMfa({ code, requestedScopes: [TokenScope.X] }).",
    ),
    rule(
        "client-mfa-authenticate-recovery-code",
        Error,
        "client.mfa.authenticateRecoveryCode creates a legacy MFA token",
        "Use client.stepUpAuth.verifyRecoveryCode({ code, requestedScopes: [TokenScope.X] }).",
    ),
    rule(
        "client-passkeys-authenticate-mfa",
        Error,
        "client.passkeys.authenticateMFA creates a legacy MFA token",
        "Use client.stepUpAuth.verifyPasskeyMfa({ requestedScopes: [TokenScope.X] }).",
    ),
    rule(
        "client-ui-mfa-show",
        Error,
        "client.ui.mfa.show creates a legacy MFA token",
        "Use client.stepUpAuth.promptStepUpAuth({ requestedScopes: [TokenScope.X] }).",
    ),
    rule(
        "client-get-mfa-token",
        Error,
        "client.mfa.getMfaToken reads the legacy MFA token",
        "The SDK attaches elevated access tokens itself.",
    ),
    rule(
        "legacy-reexport",
        Warning,
        "an app module re-exports a legacy Dynamic name",
        "Once every importer is migrated, remove the re-export.",
    ),
    rule(
        "test-mock",
        Warning,
        "a test mocks a legacy MFA hook",
        "Update the mock to useStepUpAuthentication and its members, or the tests break after the rewrite.",
    ),
    rule(
        "dependency-range",
        Warning,
        "the @dynamic-labs/sdk-react-core range allows versions without step-up authentication",
        "useStepUpAuthentication needs sdk-react-core 4.76.0 or later: raise the range.",
    ),
    rule(
        "api-core-dependency",
        Warning,
        "TokenScope is needed but @dynamic-labs/sdk-api-core is not a direct dependency",
        "Add @dynamic-labs/sdk-api-core at the version the installed SDK pins: strict package managers (pnpm, Yarn PnP) do not resolve transitive packages.",
    ),
    rule(
        "api-core-version",
        Warning,
        "the top-level @dynamic-labs/sdk-api-core differs from the version the SDK pins",
        "TokenScope from another copy of sdk-api-core fails to type-check (TS2322) when it has members the SDK's copy lacks: pin the exact version the SDK uses.",
    ),
    rule(
        "scope-inferred",
        Info,
        "the scope was inferred from the sensitive call the token guards",
        "Confirm that the TokenScope matches what the dashboard protects.",
    ),
    rule(
        "token-semantics",
        Info,
        "createMfaToken asked for a multi-use token",
        "Elevated access tokens expire (single-use after 5 minutes, multi-use after 10): check flows that relied on a long-lived token.",
    ),
    rule(
        "login-mfa",
        Info,
        "login-time MFA: a call that asks for no token",
        "authenticateDevice({ code }), authenticatePasskeyMFA() and the like without createMfaToken are login, enrolment or session MFA; step-up authentication does not replace them, so stepup leaves them unchanged.",
    ),
    rule(
        "not-rewritten",
        Error,
        "the file's edits were dropped",
        "The file has syntax errors next to the code to rewrite, or the rewrite would not re-parse: fix the syntax and run stepup again.",
    ),
];

pub fn info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}
