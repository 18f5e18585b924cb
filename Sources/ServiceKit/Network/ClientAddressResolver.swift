/// Decides which address a request came from: the TCP peer, or, when the peer is a
/// trusted proxy, the nearest address in `X-Forwarded-For` that is not one.
///
/// `X-Forwarded-For` is a list that each proxy extends on the right with the address it
/// received the request from, so only its right end can be believed: everything to the
/// left of the first untrusted address was written by that client, and may be invented.
/// The resolver walks the list from the right, skipping trusted proxies, and stops at
/// the first address that is not one. Several `X-Forwarded-For` headers count as one
/// list, in the order received.
///
/// An entry that is not an address (a name, `unknown`, a port, garbage) stops the walk:
/// the request is then from the last trusted hop, the proxy that reported it, and never
/// from anything written further left. An allowlist that does not hold the proxy itself
/// refuses such a request, which is the safe outcome.
///
/// The resolver holds no state and may be used from any thread.
public struct ClientAddressResolver: Sendable, Equatable {
    /// The proxies whose `X-Forwarded-For` is believed.
    public let trustedProxies: [CIDR]

    /// At most this many entries are read from the right; a longer list is treated as if
    /// its next entry were malformed.
    public static let maximumHops = 32

    /// Creates a resolver that believes `X-Forwarded-For` from `trustedProxies` alone.
    public init(trustedProxies: [CIDR]) {
        self.trustedProxies = trustedProxies
    }

    /// The address the request came from.
    ///
    /// - Parameters:
    ///   - peer: the TCP peer of the connection.
    ///   - forwardedFor: the value of every `X-Forwarded-For` header, in the order received;
    ///     read only when `peer` is a trusted proxy.
    /// - Returns: the nearest address that is not a trusted proxy, or the last trusted hop
    ///   when the list runs out or holds an entry that is not an address.
    public func clientAddress(peer: IPAddress, forwardedFor: [String]) -> IPAddress {
        guard !trustedProxies.isEmpty, trustedProxies.contains(address: peer) else {
            return peer
        }

        var hop = peer
        var hopsRead = 0
        for header in forwardedFor.reversed() {
            for entry in header.split(separator: ",", omittingEmptySubsequences: false).reversed() {
                hopsRead += 1
                guard hopsRead <= Self.maximumHops, let address = Self.address(in: entry) else {
                    return hop
                }
                guard trustedProxies.contains(address: address) else {
                    return address
                }
                hop = address
            }
        }
        return hop
    }

    /// The address in one list entry: an IPv4 or IPv6 address, the latter possibly in
    /// brackets, with spaces and tabs around it; nil for anything else.
    static func address(in entry: Substring) -> IPAddress? {
        var text = entry.trimmingSpacesAndTabs
        if text.hasPrefix("["), text.hasSuffix("]") {
            text = text.dropFirst().dropLast()
        }
        return try? IPAddress(parsing: String(text))
    }
}
