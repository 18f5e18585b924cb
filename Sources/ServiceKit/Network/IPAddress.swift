import Glibc

/// An IPv4 or IPv6 address.
///
/// IPv4 addresses are held in their IPv4-mapped IPv6 form, so `::ffff:192.0.2.1` and
/// `192.0.2.1` are the same address: a dual-stack socket reports IPv4 peers in the
/// mapped form, and allow lists should not care which form they arrive in.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// The address as 128 bits, most significant first.
    let bits: UInt128

    private static let ipv4MappedPrefix: UInt128 = 0xFFFF << 32

    /// The IPv4 address whose 32 bits, most significant first, are `value`.
    public init(ipv4 value: UInt32) {
        bits = IPAddress.ipv4MappedPrefix | UInt128(value)
    }

    /// The IPv6 address whose 128 bits, most significant first, are `value`.
    public init(ipv6 value: UInt128) {
        bits = value
    }

    /// Reads an address in the usual text forms: dotted IPv4 such as `192.0.2.1`, or
    /// IPv6 such as `2001:db8::1` or `::ffff:192.0.2.1`.
    ///
    /// IPv4 octets with leading zeros are refused, since some tools read them as octal.
    /// Zone identifiers such as `%eth0` are not accepted.
    ///
    /// - Throws: `AddressSyntaxError` when the text is not an address.
    public init(parsing text: String) throws(AddressSyntaxError) {
        // The longest IPv6 text form is 45 characters; refuse anything longer unread.
        guard !text.isEmpty, text.utf8.count < INET6_ADDRSTRLEN else {
            throw AddressSyntaxError(input: text, reason: "is not an IP address")
        }

        // Bytes, not Foundation's `contains`, which searches through CFString:
        // this runs for every request.
        if text.utf8.contains(UInt8(ascii: ":")) {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else {
                throw AddressSyntaxError(input: text, reason: "is not an IPv6 address")
            }
            let value = withUnsafeBytes(of: &address) { bytes in
                bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
            }
            self.init(ipv6: value)
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else {
                throw AddressSyntaxError(input: text, reason: "is not an IPv4 address")
            }
            self.init(ipv4: UInt32(bigEndian: address.s_addr))
        }
    }

    /// The dotted form of an IPv4 address, written digit by digit: at most 15
    /// bytes, which Swift keeps inline, so this allocates nothing. It runs for
    /// every request.
    private var dottedIPv4Text: String {
        String(unsafeUninitializedCapacity: 15) { buffer in
            var count = 0
            for index in 0..<4 {
                let octet = UInt8(truncatingIfNeeded: bits >> (24 - 8 * index))
                if index > 0 {
                    buffer[count] = UInt8(ascii: ".")
                    count += 1
                }
                if octet >= 100 {
                    buffer[count] = UInt8(ascii: "0") + octet / 100
                    count += 1
                }
                if octet >= 10 {
                    buffer[count] = UInt8(ascii: "0") + octet / 10 % 10
                    count += 1
                }
                buffer[count] = UInt8(ascii: "0") + octet % 10
                count += 1
            }
            return count
        }
    }

    /// Whether this is an IPv4 address, including one written in IPv4-mapped form.
    public var isIPv4: Bool {
        bits >> 32 == 0xFFFF
    }

    /// Dotted form for IPv4, the shortest RFC 5952 form for IPv6.
    public var description: String {
        guard !isIPv4 else { return dottedIPv4Text }

        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { bytes in
            for index in 0..<16 {
                bytes[index] = UInt8(truncatingIfNeeded: bits >> (120 - 8 * index))
            }
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else {
            // inet_ntop fails only for a short buffer or an unknown family, neither of
            // which happens here; the uncompressed form would still be correct.
            return uncompressedIPv6Text
        }
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// All eight groups in hexadecimal, such as `2001:db8:0:0:0:0:0:1`.
    private var uncompressedIPv6Text: String {
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: bits >> (112 - 16 * $0)) }
        return groups.map { String($0, radix: 16) }.joined(separator: ":")
    }
}
