/// The web sign-in as a state machine (DESIGN principle 2): password → (trusted device → done)
/// → second factor (code requested, verified, optionally trust this device) → session; or
/// password → enrollment required (enforced, no phone) → bind a phone → session.
///
/// The machine decides; `SignInService` performs the actions (sending codes, opening sessions)
/// and persists `state` in the `SignInChallenge` between HTTP requests. Terminal states refuse
/// every later event, which is what makes a replayed challenge useless.
public struct SignInStateMachine: Sendable, Equatable {
    public enum State: String, Sendable, Codable, CaseIterable {
        case awaitingPassword = "awaiting-password"
        case awaitingCode = "awaiting-code"
        case awaitingEnrollment = "awaiting-enrollment"
        /// Terminal: a session was opened.
        case signedIn = "signed-in"
        /// Terminal: refused, expired or abandoned.
        case failed

        public var isTerminal: Bool { self == .signedIn || self == .failed }
    }

    /// What the service learned after checking the password.
    public struct PasswordContext: Sendable, Equatable {
        public var hasPhone: Bool
        public var enforced: Bool
        /// The browser presented a valid trusted-device token of this account.
        public var trustedDevice: Bool

        public init(hasPhone: Bool, enforced: Bool, trustedDevice: Bool) {
            self.hasPhone = hasPhone
            self.enforced = enforced
            self.trustedDevice = trustedDevice
        }
    }

    public enum Event: Sendable, Equatable {
        case passwordAccepted(PasswordContext)
        case passwordRejected
        /// The user asks for a code (sign-in code, or a code to the phone being enrolled).
        case codeRequested
        case codeAccepted(trustDevice: Bool)
        case codeRejected
        /// Enrollment: the code to the new phone was right and the phone is bound.
        case phoneBound(trustDevice: Bool)
        case expired
    }

    public enum Action: Sendable, Equatable {
        case refuse
        case openSession(trustDevice: Bool)
        case askForSecondFactor
        case askForEnrollment
        case sendCode
        case rejectCode
        /// The challenge is over (expired or used); the user must start again.
        case rejectChallenge
    }

    public private(set) var state: State

    public init(state: State = .awaitingPassword) {
        self.state = state
    }

    public mutating func event(_ event: Event) -> Action {
        switch (state, event) {
        case (.signedIn, _), (.failed, _):
            return .rejectChallenge
        case (_, .expired):
            state = .failed
            return .rejectChallenge
        case (.awaitingPassword, .passwordRejected):
            state = .failed
            return .refuse
        case (.awaitingPassword, .passwordAccepted(let context)):
            if context.hasPhone {
                if context.trustedDevice {
                    state = .signedIn
                    return .openSession(trustDevice: false)
                }
                state = .awaitingCode
                return .askForSecondFactor
            }
            if context.enforced {
                state = .awaitingEnrollment
                return .askForEnrollment
            }
            state = .signedIn
            return .openSession(trustDevice: false)
        case (.awaitingCode, .codeRequested), (.awaitingEnrollment, .codeRequested):
            return .sendCode
        case (.awaitingCode, .codeRejected), (.awaitingEnrollment, .codeRejected):
            return .rejectCode
        case (.awaitingCode, .codeAccepted(let trust)):
            state = .signedIn
            return .openSession(trustDevice: trust)
        case (.awaitingEnrollment, .phoneBound(let trust)):
            state = .signedIn
            return .openSession(trustDevice: trust)
        default:
            // An event that does not belong here (a verify on an enrollment challenge, a second
            // password on a running challenge): treated like a replay.
            return .rejectChallenge
        }
    }
}
