/// Where a listener binds or a client connects: a host and a port.
///
/// Written as `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080`. Port 0 is allowed and
/// means "any free port", which tests use.
public struct SocketAddressSpec: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 address, an IPv6 address without brackets, or a host name.
    public let host: String

    /// The port, 0 meaning any free port.
    public let port: UInt16

    /// Creates a spec from its parts; `host` holds no brackets.
    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Reads `host:port`, with brackets around an IPv6 address.
    ///
    /// The host may be a dotted IPv4 address, a bracketed IPv6 address or a host name made
    /// of letters, digits, hyphens and dots. The port is 1 to 5 digits, at most 65535.
    ///
    /// - Throws: `AddressSyntaxError` naming what is wrong.
    public init(parsing text: String) throws(AddressSyntaxError) {
        let host: Substring
        let portText: Substring

        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw AddressSyntaxError(input: text, reason: "is missing the closing ]")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                throw AddressSyntaxError(input: text, reason: "is missing a port after ]")
            }
            portText = rest.dropFirst()
            guard host.contains(":"), (try? IPAddress(parsing: String(host))) != nil else {
                throw AddressSyntaxError(input: text, reason: "has no IPv6 address in brackets")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw AddressSyntaxError(input: text, reason: "is missing a port, as in host:8080")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else {
                throw AddressSyntaxError(
                    input: text, reason: "needs brackets around an IPv6 address, as in [::1]:8080")
            }
            try SocketAddressSpec.validateUnbracketedHost(host, in: text)
        }

        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
            let port = UInt16(portText)
        else {
            throw AddressSyntaxError(input: text, reason: "has a port outside 0...65535")
        }

        self.init(host: String(host), port: port)
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The host as an address, or `nil` when it is a name.
    public var ipAddress: IPAddress? {
        try? IPAddress(parsing: host)
    }

    private static func validateUnbracketedHost(
        _ host: Substring,
        in text: String
    ) throws(AddressSyntaxError) {
        guard !host.isEmpty else {
            throw AddressSyntaxError(input: text, reason: "is missing a host before the port")
        }

        // Digits and dots alone are meant as an IPv4 address, never as a host name.
        if host.allSatisfy({ $0.isASCIIDigit || $0 == "." }) {
            guard (try? IPAddress(parsing: String(host))) != nil else {
                throw AddressSyntaxError(input: text, reason: "has an invalid IPv4 address")
            }
            return
        }

        guard isHostName(host) else {
            throw AddressSyntaxError(input: text, reason: "has an invalid host name")
        }
    }

    /// Whether `name` is a DNS name: dot-separated labels of 1 to 63 letters, digits and
    /// inner hyphens, at most 253 characters in all.
    private static func isHostName(_ name: Substring) -> Bool {
        guard name.utf8.count <= 253 else {
            return false
        }

        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let isAllowed = label.allSatisfy {
                $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-")
            }
            return isAllowed && (1...63).contains(label.count) && label.first != "-"
                && label.last != "-"
        }
    }
}
