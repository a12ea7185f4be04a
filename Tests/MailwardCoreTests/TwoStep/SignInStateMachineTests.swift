import MailwardCore
import Testing

@Suite struct SignInStateMachineTests {
    typealias Machine = SignInStateMachine

    @Test func noPhoneSignsInWithThePasswordAlone() {
        var machine = Machine()
        #expect(machine.event(.passwordAccepted(.init(hasPhone: false, enforced: false, trustedDevice: false))) == .openSession(trustDevice: false))
        #expect(machine.state == .signedIn)
    }

    @Test func wrongPasswordFailsTheAttempt() {
        var machine = Machine()
        #expect(machine.event(.passwordRejected) == .refuse)
        #expect(machine.state == .failed)
        #expect(machine.event(.passwordAccepted(.init(hasPhone: false, enforced: false, trustedDevice: false))) == .rejectChallenge)
    }

    @Test func boundPhoneAsksForTheSecondFactorThenOpensASession() {
        var machine = Machine()
        #expect(machine.event(.passwordAccepted(.init(hasPhone: true, enforced: false, trustedDevice: false))) == .askForSecondFactor)
        #expect(machine.state == .awaitingCode)
        #expect(machine.event(.codeRequested) == .sendCode)
        #expect(machine.event(.codeRejected) == .rejectCode)
        #expect(machine.state == .awaitingCode)
        #expect(machine.event(.codeAccepted(trustDevice: true)) == .openSession(trustDevice: true))
        #expect(machine.state == .signedIn)
    }

    @Test func trustedDeviceSkipsTheCode() {
        var machine = Machine()
        #expect(machine.event(.passwordAccepted(.init(hasPhone: true, enforced: true, trustedDevice: true))) == .openSession(trustDevice: false))
    }

    @Test func enforcementWithoutPhoneRequiresEnrollment() {
        var machine = Machine()
        #expect(machine.event(.passwordAccepted(.init(hasPhone: false, enforced: true, trustedDevice: false))) == .askForEnrollment)
        #expect(machine.state == .awaitingEnrollment)
        // A sign-in code cannot stand in for binding a phone.
        #expect(machine.event(.codeAccepted(trustDevice: false)) == .rejectChallenge)
        #expect(machine.event(.codeRequested) == .sendCode)
        #expect(machine.event(.phoneBound(trustDevice: false)) == .openSession(trustDevice: false))
    }

    @Test func replayedOrExpiredChallengesAreRejected() {
        var used = Machine(state: .awaitingCode)
        _ = used.event(.codeAccepted(trustDevice: false))
        #expect(used.event(.codeAccepted(trustDevice: false)) == .rejectChallenge)
        #expect(used.event(.codeRequested) == .rejectChallenge)
        var waiting = Machine(state: .awaitingCode)
        #expect(waiting.event(.expired) == .rejectChallenge)
        #expect(waiting.state == .failed)
        #expect(waiting.event(.codeAccepted(trustDevice: false)) == .rejectChallenge)
    }
}
