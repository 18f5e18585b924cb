import ServiceKit
import Testing

@Suite struct ClientAddressResolverTests {
    private let proxies = ClientAddressResolver(trustedProxies: [
        CIDR.block("10.0.0.0/8"), CIDR.block("127.0.0.1"), CIDR.block("2001:db8:ffff::/48"),
    ])

    private func resolve(
        peer: String, _ forwardedFor: [String], with resolver: ClientAddressResolver? = nil
    ) throws -> String {
        let address = (resolver ?? proxies).clientAddress(
            peer: try IPAddress(parsing: peer), forwardedFor: forwardedFor)
        return address.description
    }

    @Test func anUntrustedPeerIsTheSourceWhateverItClaims() throws {
        #expect(try resolve(peer: "203.0.113.9", ["196.201.212.69"]) == "203.0.113.9")
        #expect(try resolve(peer: "203.0.113.9", []) == "203.0.113.9")
    }

    @Test func withoutTrustedProxiesTheHeaderIsNeverRead() throws {
        let none = ClientAddressResolver(trustedProxies: [])
        #expect(try resolve(peer: "127.0.0.1", ["196.201.212.69"], with: none) == "127.0.0.1")
    }

    @Test func aTrustedProxyPassesOnTheAddressItSaw() throws {
        #expect(try resolve(peer: "127.0.0.1", ["196.201.212.69"]) == "196.201.212.69")
    }

    @Test func theNearestUntrustedAddressFromTheRightWins() throws {
        let chain = ["198.51.100.1, 203.0.113.7, 10.0.0.2"]
        #expect(try resolve(peer: "10.0.0.1", chain) == "203.0.113.7")
    }

    @Test func aClientCannotSpoofItsWayInThroughAnAppendingProxy() throws {
        // The client wrote Safaricom's address; the proxy appended the real one.
        let header = ["196.201.212.69, 203.0.113.9"]
        #expect(try resolve(peer: "127.0.0.1", header) == "203.0.113.9")
    }

    @Test func severalHeadersAreOneListInTheOrderReceived() throws {
        #expect(try resolve(peer: "127.0.0.1", ["203.0.113.5", "10.0.0.3"]) == "203.0.113.5")
        #expect(
            try resolve(peer: "127.0.0.1", ["198.51.100.4", "203.0.113.5, 10.0.0.3"])
                == "203.0.113.5")
    }

    @Test(arguments: ["bogus", "unknown", "203.0.113.5:443", "", " ", "_hidden", "1.2.3"])
    func aMalformedEntryMakesTheLastTrustedHopTheSource(entry: String) throws {
        #expect(try resolve(peer: "127.0.0.1", ["198.51.100.8, \(entry)"]) == "127.0.0.1")
        #expect(
            try resolve(peer: "127.0.0.1", ["198.51.100.8, \(entry), 10.0.0.3"]) == "10.0.0.3")
    }

    @Test func aListOfTrustedProxiesOnlyEndsAtItsLeftmostHop() throws {
        #expect(try resolve(peer: "127.0.0.1", ["10.1.1.1, 10.2.2.2"]) == "10.1.1.1")
    }

    @Test func aMissingOrEmptyHeaderLeavesTheProxyAsTheSource() throws {
        #expect(try resolve(peer: "127.0.0.1", []) == "127.0.0.1")
        #expect(try resolve(peer: "127.0.0.1", [""]) == "127.0.0.1")
    }

    @Test func mappedAndBracketedAddressesAreNormalised() throws {
        #expect(try resolve(peer: "::ffff:10.0.0.1", ["::ffff:203.0.113.5"]) == "203.0.113.5")
        #expect(try resolve(peer: "127.0.0.1", [" [2001:db8::1] "]) == "2001:db8::1")
        #expect(try resolve(peer: "2001:db8:ffff::2", ["203.0.113.6"]) == "203.0.113.6")
    }

    @Test func theWalkStopsAfterItsHopLimit() throws {
        let trustedHops = Array(repeating: "10.0.0.9", count: ClientAddressResolver.maximumHops)
        let header = (["203.0.113.1"] + trustedHops).joined(separator: ",")
        #expect(try resolve(peer: "127.0.0.1", [header]) == "10.0.0.9")
        let shorter = (["203.0.113.1"] + trustedHops.dropLast()).joined(separator: ",")
        #expect(try resolve(peer: "127.0.0.1", [shorter]) == "203.0.113.1")
    }
}

extension CIDR {
    /// A block for a test, which must parse.
    static func block(_ text: String) -> CIDR {
        do {
            return try CIDR(parsing: text)
        } catch {
            preconditionFailure("\(text): \(error)")
        }
    }
}
