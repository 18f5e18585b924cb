import ServiceKit
import Testing

@Suite struct CIDRTests {
    private func address(_ text: String) throws -> IPAddress {
        try IPAddress(parsing: text)
    }

    private func block(_ text: String) throws -> CIDR {
        try CIDR(parsing: text)
    }

    @Test func addressesAreReadAndShownInCanonicalForm() throws {
        #expect(try address("192.0.2.1").description == "192.0.2.1")
        #expect(try address("2001:DB8:0:0::1").description == "2001:db8::1")
        #expect(try address("::").description == "::")
        #expect(try address("192.0.2.1") == IPAddress(ipv4: 0xC000_0201))
    }

    @Test(arguments: [
        "0.0.0.0", "255.255.255.255", "10.0.0.1", "9.99.100.109", "100.10.1.0", "196.201.214.200",
    ])
    func everyIPv4OctetWidthReadsBackAsWritten(_ text: String) throws {
        #expect(try address(text).description == text)
    }

    @Test func anIPv4MappedAddressIsTheIPv4Address() throws {
        let mapped = try address("::ffff:192.0.2.1")

        #expect(mapped == (try address("192.0.2.1")))
        #expect(mapped.isIPv4)
        #expect(mapped.description == "192.0.2.1")
        #expect(try address("::ffff:c000:201") == (try address("192.0.2.1")))
        #expect(try !address("::192.0.2.1").isIPv4)
        #expect(try !address("2001:db8::1").isIPv4)
    }

    @Test(
        arguments: [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", " 1.2.3.4", "::g",
            "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "example.com",
            "0000:0000:0000:0000:0000:ffff:255.255.255.255x",
        ])
    func malformedAddressesAreRefused(text: String) {
        #expect(throws: AddressSyntaxError.self) { try IPAddress(parsing: text) }
    }

    @Test func anIPv4BlockContainsItsAddressesOnly() throws {
        let safaricom = try block("196.201.214.0/24")

        #expect(safaricom.contains(try address("196.201.214.0")))
        #expect(safaricom.contains(try address("196.201.214.255")))
        #expect(safaricom.contains(try address("::ffff:196.201.214.200")))
        #expect(!safaricom.contains(try address("196.201.215.0")))
        #expect(!safaricom.contains(try address("196.201.213.255")))
        #expect(!safaricom.contains(try address("::c4c9:d6c8")))
        #expect(safaricom.isIPv4)
        #expect(safaricom.prefixLength == 24)
        #expect(safaricom.description == "196.201.214.0/24")
    }

    @Test func anIPv6BlockContainsItsAddressesOnly() throws {
        let documentation = try block("2001:db8::/32")

        #expect(documentation.contains(try address("2001:db8::")))
        #expect(documentation.contains(try address("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")))
        #expect(!documentation.contains(try address("2001:db9::")))
        #expect(!documentation.contains(try address("32.1.13.184")))
        #expect(!documentation.isIPv4)
        #expect(documentation.description == "2001:db8::/32")
    }

    @Test func aBareAddressIsABlockOfOne() throws {
        let one = try block("192.0.2.7")
        let loopback = try block("::1")

        #expect(one.prefixLength == 32)
        #expect(one.contains(try address("192.0.2.7")))
        #expect(!one.contains(try address("192.0.2.8")))
        #expect(loopback.prefixLength == 128)
        #expect(loopback.contains(try address("::1")))
        #expect(!loopback.contains(try address("::2")))
    }

    @Test func anIPv4MappedBlockIsAnIPv4Block() throws {
        let mapped = try block("::ffff:10.0.0.0/104")

        #expect(mapped == (try block("10.0.0.0/8")))
        #expect(mapped.isIPv4)
        #expect(mapped.description == "10.0.0.0/8")
        #expect(mapped.contains(try address("10.200.3.4")))
    }

    @Test func theWholeSpacesBehaveAsOnADualStackSocket() throws {
        let allIPv4 = try block("0.0.0.0/0")
        let allIPv6 = try block("::/0")

        #expect(allIPv4.contains(try address("203.0.113.9")))
        #expect(!allIPv4.contains(try address("2001:db8::1")))
        #expect(allIPv6.contains(try address("2001:db8::1")))
        #expect(allIPv6.contains(try address("203.0.113.9")))
    }

    @Test(
        arguments: [
            ("10.0.0.1/8", "has bits set past its prefix; the block is 10.0.0.0/8"),
            ("2001:db8::1/32", "has bits set past its prefix; the block is 2001:db8::/32"),
            ("10.0.0.0/33", "has a prefix length outside 0...32"),
            ("10.0.0.0/", "has a prefix length outside 0...32"),
            ("10.0.0.0/-1", "has a prefix length outside 0...32"),
            ("10.0.0.0/8/9", "has a prefix length outside 0...32"),
            ("2001:db8::/129", "has a prefix length outside 0...128"),
            ("/8", "is not an IP address or CIDR block"),
            ("10.0.0/8", "is not an IP address or CIDR block"),
            ("safaricom", "is not an IP address or CIDR block"),
        ])
    func malformedBlocksSayWhatIsWrong(text: String, reason: String) {
        #expect(throws: AddressSyntaxError(input: text, reason: reason)) {
            try CIDR(parsing: text)
        }
    }

    @Test func aListIsReadWithSpacesAliasesAndEveryBadEntryReported() throws {
        let published = [try block("196.201.214.0/24"), try block("196.201.213.0/24")]
        let source = ConfigurationSource(environment: [
            "MPESA_ALLOWED_SOURCES": " 10.0.0.0/8, 192.0.2.1 ,\t2001:db8::/32,",
            "MPESA_TRUSTED_PROXIES": "Safaricom,127.0.0.1",
            "BAD": "10.0.0.1/8,1.2.3.4,nonsense",
        ])

        let allowed = source.cidrList("MPESA_ALLOWED_SOURCES")
        let proxies = source.cidrList("MPESA_TRUSTED_PROXIES", aliases: ["safaricom": published])
        let bad = source.cidrList("BAD")

        #expect(allowed.map(\.description) == ["10.0.0.0/8", "192.0.2.1/32", "2001:db8::/32"])
        #expect(
            proxies.map(\.description) == ["196.201.214.0/24", "196.201.213.0/24", "127.0.0.1/32"])
        #expect(bad.map(\.description) == ["1.2.3.4/32"])
        #expect(
            source.problems.map(\.description) == [
                "BAD: \"10.0.0.1/8\" has bits set past its prefix; the block is 10.0.0.0/8",
                "BAD: \"nonsense\" is not an IP address or CIDR block",
            ])
    }
}
