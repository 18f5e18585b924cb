import EventHTTP
import ServiceKit

/// The metrics of hostile or unwanted traffic: requests refused before they reached
/// their handler's work, connections dropped by the limits, open connections, and
/// requests still using a token being retired. Part of `DaemonMetrics`, in the same
/// registry; every label value is known from the start and shown at zero.
///
/// Thread rules: any thread; every child is an atomic.
final class TrafficMetrics: Sendable {
    /// Why a request was refused.
    enum Refusal: String, Sendable, CaseIterable {
        /// 403 on the public listener: the source is not in `MPESA_ALLOWED_SOURCES`.
        case sourceNotAllowed = "source_not_allowed"
        /// 429 on the public listener: the source sent more than its rate.
        case rateLimited = "rate_limited"
        /// 401 on the admin listener: no admin token, or a wrong one.
        case unauthorized
        /// 429 on the admin listener: too many authentication failures from the source.
        case authenticationLimited = "authentication_limited"

        var listener: Listener {
            switch self {
            case .sourceNotAllowed, .rateLimited: .public
            case .unauthorized, .authenticationLimited: .admin
            }
        }
    }

    /// Which token a request carried in its previous value.
    enum Token: String, Sendable, CaseIterable {
        case callback
        case admin
    }

    private let refusals: [Refusal: Counter]
    private let overCap: [Listener: Counter]
    private let pastDeadline: [Listener: Counter]
    private let openConnections: [Listener: Gauge]
    private let previousTokens: [Token: Counter]

    init(registry: MetricsRegistry) {
        let refused = registry.counterFamily(
            "mpesa_requests_refused_total",
            help: "Requests refused before their handler's work, by listener and reason.",
            labelNames: ["listener", "reason"])
        refusals = Dictionary(
            uniqueKeysWithValues: Refusal.allCases.map {
                ($0, refused.labels($0.listener.rawValue, $0.rawValue))
            })
        let dropped = registry.counterFamily(
            "mpesa_http_connections_dropped_total",
            help: "Connections the daemon closed: to make room under the cap, or because "
                + "a request was incomplete at its deadline.",
            labelNames: ["listener", "reason"])
        overCap = Listener.each { dropped.labels($0.rawValue, "connection_cap") }
        pastDeadline = Listener.each { dropped.labels($0.rawValue, "request_deadline") }
        let open = registry.gaugeFamily(
            "mpesa_http_connections_open", help: "Client connections open, by listener.",
            labelNames: ["listener"])
        openConnections = Listener.each { open.labels($0.rawValue) }
        let previous = registry.counterFamily(
            "mpesa_previous_token_requests_total",
            help: "Requests that carried the previous value of a token being rotated.",
            labelNames: ["token"])
        previousTokens = Dictionary(
            uniqueKeysWithValues: Token.allCases.map { ($0, previous.labels($0.rawValue)) })
    }

    /// Counts a refused request.
    func refused(_ refusal: Refusal) {
        refusals[refusal]?.increment()
    }

    /// Counts connections a listener dropped.
    func connectionsDropped(_ drops: HTTPServer.DroppedConnections, on listener: Listener) {
        overCap[listener]?.increment(by: drops.overCap)
        pastDeadline[listener]?.increment(by: drops.pastDeadline)
    }

    /// Records how many connections a listener has open.
    func setOpenConnections(_ count: Int, on listener: Listener) {
        openConnections[listener]?.set(count)
    }

    /// Counts a request that carried a previous token.
    func previousTokenUsed(_ token: Token) {
        previousTokens[token]?.increment()
    }
}
