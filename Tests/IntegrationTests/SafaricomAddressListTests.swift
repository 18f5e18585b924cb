import Foundation
import MpesaCore
import Testing

/// The published Safaricom addresses are written in the code once; the
/// shipped nginx site must allow exactly the same ones.
@Suite struct SafaricomAddressListTests {
    @Test func theNginxSiteAllowsExactlyThePublishedAddresses() throws {
        let site = try String(
            contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent(
                "deploy/nginx/mpesa-callbackd.conf"),
            encoding: .utf8)
        let allowed = site.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.first == "allow", words.count == 2 else { return nil }
            return String(words[1].dropLast())
        }
        #expect(allowed == SafaricomCallbackAddresses.published)
    }
}
