/// A block of addresses, such as `196.201.214.0/24` or `2001:db8::/32`.
///
/// An IPv4 block also matches the same addresses in IPv4-mapped IPv6 form, and an IPv6
/// block written as `::ffff:a.b.c.d/n` (with n of 96 or more) is an IPv4 block. An IPv6
/// block that spans `::ffff:0:0/96`, such as `::/0`, matches IPv4 addresses too.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The first address of the block.
    public let network: IPAddress

    /// The prefix length in the 128-bit space that IPv4 shares through mapping.
    private let prefixBits: Int

    /// Reads a block such as `10.0.0.0/8` or `2001:db8::/32`, or a bare address, which is
    /// a block of one.
    ///
    /// A block with bits set past its prefix, such as `10.0.0.1/8`, is refused: it is
    /// almost always a typing mistake, and the error names the intended network.
    ///
    /// - Throws: `AddressSyntaxError` when the text is not a block.
    public init(parsing text: String) throws(AddressSyntaxError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address: IPAddress
        do {
            address = try IPAddress(parsing: String(parts[0]))
        } catch {
            throw AddressSyntaxError(input: text, reason: "is not an IP address or CIDR block")
        }

        let isWrittenAsIPv6 = parts[0].contains(":")
        let writtenLimit = isWrittenAsIPv6 ? 128 : 32
        var writtenLength = writtenLimit
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit),
                let length = Int(digits), length <= writtenLimit
            else {
                throw AddressSyntaxError(
                    input: text, reason: "has a prefix length outside 0...\(writtenLimit)")
            }
            writtenLength = length
        }

        let prefixBits = isWrittenAsIPv6 ? writtenLength : writtenLength + 96
        let mask = CIDR.mask(prefixBits: prefixBits)
        guard address.bits & ~mask == 0 else {
            let intended = CIDR(
                network: IPAddress(ipv6: address.bits & mask), prefixBits: prefixBits)
            throw AddressSyntaxError(
                input: text, reason: "has bits set past its prefix; the block is \(intended)")
        }

        self.init(network: address, prefixBits: prefixBits)
    }

    private init(network: IPAddress, prefixBits: Int) {
        self.network = network
        self.prefixBits = prefixBits
    }

    /// Whether this is a block of IPv4 addresses.
    public var isIPv4: Bool {
        network.isIPv4 && prefixBits >= 96
    }

    /// The prefix length as written for the block's family: 0...32 for IPv4.
    public var prefixLength: Int {
        isIPv4 ? prefixBits - 96 : prefixBits
    }

    /// Whether `address` lies in the block.
    public func contains(_ address: IPAddress) -> Bool {
        address.bits & CIDR.mask(prefixBits: prefixBits) == network.bits
    }

    /// The block as `network/length`.
    public var description: String {
        "\(network)/\(prefixLength)"
    }

    private static func mask(prefixBits: Int) -> UInt128 {
        prefixBits == 0 ? 0 : UInt128.max << (128 - prefixBits)
    }
}

extension Array<CIDR> {
    /// Whether any block in the list holds `address`.
    ///
    /// On an array, not any sequence: a generic method is not specialized
    /// across modules, and this one runs for every request.
    public func contains(address: IPAddress) -> Bool {
        for block in self where block.contains(address) {
            return true
        }
        return false
    }
}
