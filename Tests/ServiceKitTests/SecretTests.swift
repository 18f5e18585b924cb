import Foundation
import ServiceKit
import Testing

@Suite struct SecretTests {
    private let secret = Secret("s3cr3t-passkey")

    @Test func interpolationAndDescriptionsAreRedacted() {
        #expect("\(secret)" == "<redacted>")
        #expect(String(describing: secret) == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(secret.description == "<redacted>")
        #expect(secret.debugDescription == "<redacted>")
    }

    @Test func dumpAndMirrorShowNothingInside() {
        var dumped = ""
        dump(secret, to: &dumped)

        #expect(!dumped.contains("s3cr3t"))
        #expect(Mirror(reflecting: secret).children.isEmpty)
    }

    @Test func anEnclosingValueDoesNotLeakIt() {
        struct Credentials {
            let consumerKey: String
            let consumerSecret: Secret
        }
        let credentials = Credentials(consumerKey: "key", consumerSecret: secret)
        var dumped = ""
        dump(credentials, to: &dumped)

        #expect(!String(describing: credentials).contains("s3cr3t"))
        #expect(!String(reflecting: credentials).contains("s3cr3t"))
        #expect(!"\([credentials])".contains("s3cr3t"))
        #expect(!"\(Optional(secret) as Any)".contains("s3cr3t"))
        #expect(!dumped.contains("s3cr3t"))
    }

    @Test func anErrorCarryingItDoesNotLeakIt() {
        struct AuthenticationFailed: Error {
            let password: Secret
        }
        let error: any Error = AuthenticationFailed(password: secret)

        #expect(!"\(error)".contains("s3cr3t"))
        #expect(!String(reflecting: error).contains("s3cr3t"))
        #expect(!error.localizedDescription.contains("s3cr3t"))
    }

    @Test func theExposedValueIsTheSecret() {
        #expect(secret.exposedValue == "s3cr3t-passkey")
        #expect(!secret.isEmpty)
        #expect(Secret("").isEmpty)
    }

    @Test func constantTimeEqualsMatchesOnlyTheSameBytes() {
        #expect(secret.constantTimeEquals("s3cr3t-passkey"))
        #expect(secret.constantTimeEquals(Array("s3cr3t-passkey".utf8)))
        #expect(secret.constantTimeEquals(Array("xs3cr3t-passkey".dropFirst().utf8)))
        #expect(!secret.constantTimeEquals("s3cr3t-passkez"))
        #expect(!secret.constantTimeEquals("t3cr3t-passkey"))
        #expect(!secret.constantTimeEquals("s3cr3t-passke"))
        #expect(!secret.constantTimeEquals("s3cr3t-passkeys3cr3t-passkey"))
        #expect(!secret.constantTimeEquals(""))
    }

    @Test func anEmptySecretEqualsOnlyEmptyInput() {
        let empty = Secret("")

        #expect(empty.constantTimeEquals(""))
        #expect(!empty.constantTimeEquals("a"))
        #expect(!empty.constantTimeEquals([0]))
    }
}
