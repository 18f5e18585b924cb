import EventHTTP
import ServiceKit

/// Decides, before anything else is looked at, whether a request on the public listener
/// may go on: from which address it came, whether that address may post callbacks, and
/// whether it has sent too many.
///
/// The address is the TCP peer, or behind a trusted proxy the nearest untrusted address
/// in `X-Forwarded-For` (`ClientAddressResolver`). An empty allowlist lets any address
/// through. The rate limit never applies to Safaricom (its published addresses and the
/// three /24 blocks they lie in), to the allowlist, to loopback or to
/// `MPESA_RATE_LIMIT_EXEMPT`: Safaricom does not send a callback again, so a 429 to it
/// would lose a payment, and a loopback peer is the local proxy when
/// `MPESA_TRUSTED_PROXIES` is missing, standing for every client at once.
///
/// Thread rules: loop thread only.
final class SourcePolicy {
    /// What to do with a request.
    enum Decision: Equatable {
        /// Go on; the address is nil when the peer's could not be read.
        case allowed(IPAddress?)
        /// 403: the address is not in the allowlist.
        case notAllowed(IPAddress?)
        /// 429: the address has no token left.
        case rateLimited(IPAddress)
    }

    /// Blocks every daemon exempts from the rate limit, whatever the settings say.
    static let alwaysExempt: [CIDR] =
        TrafficConfiguration.safaricomPublished
        + ["196.201.212.0/24", "196.201.213.0/24", "196.201.214.0/24", "127.0.0.0/8", "::1"]
        .map(CIDR.builtIn)

    private var resolver: ClientAddressResolver
    private var allowedSources: [CIDR]
    private var configuredExempt: [CIDR]
    private var exempt: [CIDR] = []
    private var limiter: SourceRateLimiter?

    init(_ traffic: TrafficConfiguration) {
        resolver = ClientAddressResolver(trustedProxies: traffic.trustedProxies)
        allowedSources = traffic.allowedSources
        configuredExempt = traffic.rateLimitExempt
        limiter = traffic.rateLimit.map { SourceRateLimiter(rate: $0) }
        updateExemptions()
    }

    /// Whether an allowlist is in force.
    var isRestricted: Bool { !allowedSources.isEmpty }

    /// Resolves the request's address and decides; takes a token when rate limited.
    func decide(_ request: HTTPRequest) -> Decision {
        guard let peer = try? IPAddress(parsing: request.peerAddress) else {
            return isRestricted ? .notAllowed(nil) : .allowed(nil)
        }
        let forwardedFor =
            resolver.trustedProxies.isEmpty ? [] : request.headerValues("X-Forwarded-For")
        let address = resolver.clientAddress(peer: peer, forwardedFor: forwardedFor)

        guard !isRestricted || allowedSources.contains(address: address) else {
            return .notAllowed(address)
        }
        if limiter != nil, !exempt.contains(address: address),
            limiter?.admit(address, at: request.receivedAt) == false
        {
            return .rateLimited(address)
        }
        return .allowed(address)
    }

    // MARK: Reloading

    func updateAllowedSources(_ blocks: [CIDR]) {
        allowedSources = blocks
        updateExemptions()
    }

    func updateTrustedProxies(_ blocks: [CIDR]) {
        resolver = ClientAddressResolver(trustedProxies: blocks)
    }

    func updateRateLimitExempt(_ blocks: [CIDR]) {
        configuredExempt = blocks
        updateExemptions()
    }

    /// Replaces the rate; every source starts again with a full bucket.
    func updateRateLimit(_ rate: SourceRateLimiter.Rate?) {
        limiter = rate.map { SourceRateLimiter(rate: $0) }
    }

    private func updateExemptions() {
        exempt = Self.alwaysExempt + allowedSources + configuredExempt
    }
}
