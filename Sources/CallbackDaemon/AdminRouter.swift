import EventHTTP
import ServiceKit

/// Routes requests on the admin listener to the handler registered for
/// their path, and guards `/v1/*` with the admin bearer token.
///
/// Each feature registers its routes at start-up (`register`); the router
/// answers 404 for unknown paths, 405 with `Allow` for a known path and the
/// wrong method, and 401 (or 404 while no admin token is configured) for
/// `/v1/*` without the right bearer token. The token's previous value is
/// accepted too while one is set. A peer whose authentication keeps failing
/// gets 429 on `/v1/*`, right token or not, until it has waited: ten
/// failures at once, then one more a minute.
///
/// Thread rules: loop thread only.
final class AdminRouter {
    /// A route's handler: gets the request and the path segments after the
    /// route's prefix (empty for an exact route).
    typealias Handler = (HTTPRequest, [Substring]) -> Void

    private struct Route {
        let method: HTTPMethod
        let path: String
        let matchesPrefix: Bool
        let handler: Handler
    }

    /// Paths under this prefix need the admin token.
    static let apiPrefix = "/v1/"

    /// Authentication failures a peer may make: ten at once, then one a minute.
    /// A token of 32 characters or more cannot be guessed anyway: this keeps
    /// the noise and the work of a script that tries down.
    static let failureRate = SourceRateLimiter.Rate(perSecond: 1.0 / 60, burst: 10)

    private var routes: [Route] = []
    private var adminToken: Secret?
    private var previousAdminToken: Secret?
    private let logger: Logger
    private let metrics: TrafficMetrics?
    private var failures = SourceRateLimiter(rate: AdminRouter.failureRate)
    private var previousTokenNotice = OccasionalNotice(every: .seconds(600))
    private var limitedNotice = OccasionalNotice(every: .seconds(10))

    init(
        adminToken: Secret?, previousAdminToken: Secret? = nil, logger: Logger,
        metrics: TrafficMetrics? = nil
    ) {
        self.adminToken = adminToken
        self.previousAdminToken = previousAdminToken
        self.logger = logger
        self.metrics = metrics
    }

    /// Replaces the admin token, for a reload.
    func updateToken(_ token: Secret?) {
        adminToken = token
    }

    /// Replaces the admin token being retired, for a reload.
    func updatePreviousToken(_ token: Secret?) {
        previousAdminToken = token
    }

    /// Registers `handler` for `method` on `path`, or on every path under it
    /// when `path` ends with `/`. `GET` routes also answer `HEAD`.
    func register(_ method: HTTPMethod, _ path: String, _ handler: @escaping Handler) {
        routes.append(
            Route(
                method: method, path: path, matchesPrefix: path.hasSuffix("/"), handler: handler))
    }

    func handle(_ request: HTTPRequest) {
        let matching = routes.filter { route in
            route.matchesPrefix ? request.path.hasPrefix(route.path) : request.path == route.path
        }
        guard !matching.isEmpty else {
            request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
            return
        }
        if request.path.hasPrefix(Self.apiPrefix), !isAuthorized(request) {
            return
        }
        let method = request.method == .head ? HTTPMethod.get : request.method
        guard let route = matching.first(where: { $0.method == method }) else {
            let allowed = Set(matching.map(\.method.rawValue)).sorted().joined(separator: ", ")
            request.respond(
                status: .methodNotAllowed, headers: [("Allow", allowed)],
                text: #"{"error":"method_not_allowed"}"#)
            return
        }
        let rest = route.matchesPrefix ? request.path.dropFirst(route.path.count) : ""
        route.handler(request, rest.split(separator: "/", omittingEmptySubsequences: false))
    }

    /// Answers the request itself and returns false unless it carries the
    /// admin token, current or previous.
    private func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let adminToken else {
            // The API is off without a token: it does not exist.
            request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
            return false
        }
        // The admin listener is never behind the TLS proxy: the peer is the client.
        let peer = try? IPAddress(parsing: request.peerAddress)
        if let peer, failures.isLimited(peer, at: request.receivedAt) {
            refuseLimited(request)
            return false
        }

        let token = RotatingSecret(current: adminToken, previous: previousAdminToken)
        let prefix = "Bearer "
        let header = request.header("Authorization") ?? ""
        let match =
            header.hasPrefix(prefix)
            ? token.match(Array(header.utf8.dropFirst(prefix.utf8.count))) : .none
        switch match {
        case .current:
            return true
        case .previous:
            metrics?.previousTokenUsed(.admin)
            if let count = previousTokenNotice.occurred(at: request.receivedAt) {
                logger.notice("admin request used the previous admin token", [.count: count])
            }
            return true
        case .none:
            refuseUnauthorized(request, peer: peer)
            return false
        }
    }

    private func refuseUnauthorized(_ request: HTTPRequest, peer: IPAddress?) {
        metrics?.refused(.unauthorized)
        logger.warning(
            "admin request not authorized",
            [
                .method: request.method.rawValue, .path: request.path, .source: request.peerAddress,
            ])
        if let peer {
            _ = failures.admit(peer, at: request.receivedAt)
        }
        request.respond(
            status: .unauthorized,
            headers: [("WWW-Authenticate", #"Bearer realm="mpesa-callbackd""#)],
            text: #"{"error":"unauthorized"}"#)
    }

    private func refuseLimited(_ request: HTTPRequest) {
        metrics?.refused(.authenticationLimited)
        if let count = limitedNotice.occurred(at: request.receivedAt) {
            logger.warning(
                "admin requests refused after repeated authentication failures",
                [.source: request.peerAddress, .count: count])
        }
        request.respond(
            status: .tooManyRequests, headers: [("Retry-After", "60")],
            text: #"{"error":"too_many_authentication_failures"}"#)
    }
}
