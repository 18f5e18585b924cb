import EventHTTP
import ServiceKit

/// Routes requests on the admin listener to the handler registered for
/// their path, and guards `/v1/*` with the admin bearer token.
///
/// Each feature registers its routes at start-up (`register`); the router
/// answers 404 for unknown paths, 405 with `Allow` for a known path and the
/// wrong method, and 401 (or 404 while no admin token is configured) for
/// `/v1/*` without the right bearer token.
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

    private var routes: [Route] = []
    private var adminToken: Secret?
    private let logger: Logger

    init(adminToken: Secret?, logger: Logger) {
        self.adminToken = adminToken
        self.logger = logger
    }

    /// Replaces the admin token, for a reload.
    func updateToken(_ token: Secret?) {
        adminToken = token
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
    /// admin token.
    private func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let adminToken else {
            // The API is off without a token: it does not exist.
            request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
            return false
        }
        let prefix = "Bearer "
        if let header = request.header("Authorization"), header.hasPrefix(prefix),
            adminToken.constantTimeEquals(header.utf8.dropFirst(prefix.utf8.count))
        {
            return true
        }
        logger.warning(
            "admin request not authorized",
            [
                .method: request.method.rawValue, .path: request.path, .source: request.peerAddress,
            ])
        request.respond(
            status: .unauthorized,
            headers: [("WWW-Authenticate", #"Bearer realm="mpesa-callbackd""#)],
            text: #"{"error":"unauthorized"}"#)
        return false
    }
}
