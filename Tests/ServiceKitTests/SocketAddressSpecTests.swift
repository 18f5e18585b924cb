import ServiceKit
import Testing

@Suite struct SocketAddressSpecTests {
    @Test(
        arguments: [
            ("127.0.0.1:8080", "127.0.0.1", 8080),
            ("0.0.0.0:65535", "0.0.0.0", 65_535),
            ("[::1]:8081", "::1", 8081),
            ("[2001:db8::1]:443", "2001:db8::1", 443),
            ("[::ffff:192.0.2.1]:80", "::ffff:192.0.2.1", 80),
            ("localhost:0", "localhost", 0),
            ("callbacks.example.co.ke:8443", "callbacks.example.co.ke", 8443),
            ("a-b.c1:1", "a-b.c1", 1),
        ] as [(String, String, UInt16)])
    func validSpecsAreRead(text: String, host: String, port: UInt16) throws {
        let spec = try SocketAddressSpec(parsing: text)

        #expect(spec.host == host)
        #expect(spec.port == port)
        #expect(spec.description == text)
    }

    @Test(
        arguments: [
            ("", "is missing a port, as in host:8080"),
            ("localhost", "is missing a port, as in host:8080"),
            ("::1:8080", "needs brackets around an IPv6 address, as in [::1]:8080"),
            (":8080", "is missing a host before the port"),
            ("127.0.0.1:", "has a port outside 0...65535"),
            ("127.0.0.1:65536", "has a port outside 0...65535"),
            ("127.0.0.1:123456", "has a port outside 0...65535"),
            ("127.0.0.1:-1", "has a port outside 0...65535"),
            ("127.0.0.1:+80", "has a port outside 0...65535"),
            ("127.0.0.1:80 ", "has a port outside 0...65535"),
            ("256.0.0.1:80", "has an invalid IPv4 address"),
            ("1.2.3:80", "has an invalid IPv4 address"),
            ("01.2.3.4:80", "has an invalid IPv4 address"),
            ("[::1]", "is missing a port after ]"),
            ("[::1]8080", "is missing a port after ]"),
            ("[::1:80", "is missing the closing ]"),
            ("[127.0.0.1]:80", "has no IPv6 address in brackets"),
            ("[fe80::1%eth0]:80", "has no IPv6 address in brackets"),
            ("[]:80", "has no IPv6 address in brackets"),
            ("bad_host:80", "has an invalid host name"),
            ("-lead.example:80", "has an invalid host name"),
            ("trail-.example:80", "has an invalid host name"),
            ("double..dot:80", "has an invalid host name"),
            (" 127.0.0.1:80", "has an invalid host name"),
            ("café.example:80", "has an invalid host name"),
        ])
    func invalidSpecsSayWhatIsWrong(text: String, reason: String) {
        #expect(throws: AddressSyntaxError(input: text, reason: reason)) {
            try SocketAddressSpec(parsing: text)
        }
    }

    @Test func aHostNameOfMoreThan253CharactersIsRefused() {
        let label = String(repeating: "a", count: 63)
        let name = [label, label, label, label].joined(separator: ".")

        #expect(throws: AddressSyntaxError.self) { try SocketAddressSpec(parsing: name + ":80") }
        #expect(throws: AddressSyntaxError.self) {
            try SocketAddressSpec(parsing: String(repeating: "b", count: 64) + ":80")
        }
    }

    @Test func theHostIsAnAddressOnlyWhenItIsOne() throws {
        #expect(try SocketAddressSpec(parsing: "[::1]:1").ipAddress == IPAddress(ipv6: 1))
        #expect(
            try SocketAddressSpec(parsing: "10.0.0.1:1").ipAddress == IPAddress(ipv4: 0x0A00_0001))
        #expect(try SocketAddressSpec(parsing: "localhost:1").ipAddress == nil)
    }

    @Test func theErrorQuotesTheInputEscaped() {
        let error = AddressSyntaxError(input: "bad\nhost", reason: "has an invalid host name")

        #expect(error.description == "\"bad\\nhost\" has an invalid host name")
    }
}
