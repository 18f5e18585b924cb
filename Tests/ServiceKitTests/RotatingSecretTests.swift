import ServiceKit
import Testing

@Suite struct RotatingSecretTests {
    private let current = "current-token-0123456789abcdefghijklmn"
    private let previous = "previous-token-0123456789abcdefghijklm"

    @Test func bothValuesAreAcceptedAndToldApart() {
        let secret = RotatingSecret(current: Secret(current), previous: Secret(previous))

        #expect(secret.match(Array(current.utf8)) == .current)
        #expect(secret.match(Array(previous.utf8)) == .previous)
        #expect(secret.match(Array("another-token".utf8)) == .none)
        #expect(secret.match(Array(current.utf8.dropLast())) == .none)
        #expect(secret.match(Array("".utf8)) == .none)
    }

    @Test func withoutAPreviousValueOnlyTheCurrentOneMatches() {
        let secret = RotatingSecret(current: Secret(current))

        #expect(secret.match(Array(current.utf8)) == .current)
        #expect(secret.match(Array(previous.utf8)) == .none)
    }

    @Test func aValueInBothPlacesCountsAsCurrent() {
        let secret = RotatingSecret(current: Secret(current), previous: Secret(current))

        #expect(secret.match(Array(current.utf8)) == .current)
    }
}
