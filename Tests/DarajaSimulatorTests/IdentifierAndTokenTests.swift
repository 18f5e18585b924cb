import Foundation
import ServiceKit
import Testing

@testable import DarajaSimulator

@Suite struct IdentifierAndTokenTests {
    @Test func checkoutRequestIDEmbedsKenyanTimeAndThePayer() {
        var identifiers = DarajaIdentifiers()
        let now = Date(timeIntervalSince1970: 1_765_539_052)  // 14:30:52 in Nairobi
        let first = identifiers.checkoutRequestID(now: now, phoneNumber: "254708374149")
        let second = identifiers.checkoutRequestID(now: now, phoneNumber: "254708374149")
        #expect(first == "ws_CO_12122025143052001708374149")
        #expect(second == "ws_CO_12122025143052002708374149")
    }

    @Test func receiptNumbersEncodeTheirDateAsRealOnesDo() {
        let identifiers = DarajaIdentifiers()
        // 2025-10-03 in Nairobi: T (2025), J (October), 3.
        let receipt = identifiers.receiptNumber(now: Date(timeIntervalSince1970: 1_759_489_200))
        #expect(receipt.hasPrefix("TJ3"))
        #expect(receipt.count == 10)
        #expect(receipt.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) })
    }

    @Test func merchantRequestIDHasHexGroups() {
        let id = DarajaIdentifiers().merchantRequestID()
        #expect(id.split(separator: "-").map(\.count) == [4, 4, 4, 16])
    }

    @Test func issuingATokenInvalidatesThePreviousOne() {
        var tokens = TokenIssuer(
            consumerKey: Secret("key"), consumerSecret: Secret("secret"), lifetime: .seconds(60))
        tokens.issue("first-token")
        #expect(tokens.isValidBearer("Bearer first-token"))
        tokens.issue("second-token")
        #expect(!tokens.isValidBearer("Bearer first-token"))
        #expect(tokens.isValidBearer("Bearer second-token"))
        #expect(!tokens.isValidBearer("second-token"))
        #expect(!tokens.isValidBearer(nil))
        tokens.invalidate()
        #expect(!tokens.isValidBearer("Bearer second-token"))
        #expect(tokens.issuedCount == 2)
    }

    @Test func expiredTokensAreInvalid() {
        var tokens = TokenIssuer(
            consumerKey: Secret("key"), consumerSecret: Secret("secret"), lifetime: .zero)
        tokens.issue("token")
        #expect(!tokens.isValidBearer("Bearer token"))
    }

    @Test func basicCredentialsAreCheckedWhole() {
        let tokens = TokenIssuer(
            consumerKey: Secret("key"), consumerSecret: Secret("se:cret"), lifetime: .seconds(60))
        func basic(_ text: String) -> String {
            "Basic " + Data(text.utf8).base64EncodedString()
        }
        #expect(tokens.checkBasic(basic("key:se:cret")) == true)
        #expect(tokens.checkBasic(basic("key:se:cre")) == false)
        #expect(tokens.checkBasic(basic("ke:se:cret")) == false)
        #expect(tokens.checkBasic(basic("keyse")) == nil)
        #expect(tokens.checkBasic("Bearer abc") == nil)
        #expect(tokens.checkBasic(nil) == nil)
    }
}
