import MpesaCore
import ServiceKit

/// The settings that decide who may reach the public listener, how often, and for how
/// long a connection may hold on: the allowlist, the trusted proxies, the per-source
/// rate limit and the connection limits.
///
/// Read with the rest of `DaemonConfiguration`, every problem recorded in the same
/// source. The address lists and the rate limit change on a reload; the connection
/// limits need a restart.
public struct TrafficConfiguration: Sendable {
    /// Sources allowed to post callbacks; empty allows any.
    public var allowedSources: [CIDR]
    /// Proxies whose `X-Forwarded-For` is believed.
    public var trustedProxies: [CIDR]
    /// Requests per source on the public listener; nil when off.
    public var rateLimit: SourceRateLimiter.Rate?
    /// Sources never rate limited, besides those every daemon exempts (see
    /// `SourcePolicy`).
    public var rateLimitExempt: [CIDR]
    /// The most connections each listener holds open.
    public var maximumConnections: Int
    /// The longest a request may take to arrive from its first byte.
    public var requestDeadline: Duration
    /// The longest a public connection may go without a byte read or written.
    public var idleTimeout: Duration

    /// Safaricom's published callback addresses as blocks.
    public static let safaricomPublished = SafaricomCallbackAddresses.published.map(CIDR.builtIn)

    /// Reads every setting from `source`, recording problems in it.
    public init(source: ConfigurationSource) {
        let preset = [SafaricomCallbackAddresses.presetName: Self.safaricomPublished]
        allowedSources = source.cidrList("MPESA_ALLOWED_SOURCES", aliases: preset)
        trustedProxies = source.cidrList("MPESA_TRUSTED_PROXIES")
        rateLimitExempt = source.cidrList("MPESA_RATE_LIMIT_EXEMPT", aliases: preset)
        let perSecond = source.parsed(
            "MPESA_RATE_LIMIT", default: 20.0,
            expecting: "a number of requests per second from 0 (no limit) to 1000000"
        ) { text in
            Double(text).flatMap { $0.isFinite && (0...1_000_000).contains($0) ? $0 : nil }
        }
        let burst = source.integer("MPESA_RATE_LIMIT_BURST", default: 50, range: 1...1_000_000)
        rateLimit =
            perSecond == 0 ? nil : SourceRateLimiter.Rate(perSecond: perSecond, burst: burst)
        maximumConnections = source.integer(
            "MPESA_MAX_CONNECTIONS", default: 1_024, range: 16...1_000_000)
        requestDeadline = source.duration(
            "MPESA_REQUEST_DEADLINE", default: .seconds(10),
            range: .milliseconds(100) ... .seconds(300))
        idleTimeout = source.duration(
            "MPESA_IDLE_TIMEOUT", default: .seconds(15), range: .seconds(1) ... .seconds(600))
    }
}

extension CIDR {
    /// A block written in the code, which cannot fail to parse.
    static func builtIn(_ text: String) -> CIDR {
        do {
            return try CIDR(parsing: text)
        } catch {
            preconditionFailure("a built-in address block does not parse: \(error)")
        }
    }
}
