import EventHTTP
import ServiceKit

/// Serves the admin listener: liveness, readiness and, later, metrics and
/// the `/v1` API.
///
/// Thread rules: loop thread only.
final class AdminEndpoint {
    /// What `/readyz` reports.
    struct Readiness {
        var isDatabaseReady: Bool
        var databaseState: String
        var isStopping: Bool

        var isReady: Bool { isDatabaseReady && !isStopping }
    }

    private let readiness: () -> Readiness
    private let logger: Logger

    init(logger: Logger, readiness: @escaping () -> Readiness) {
        self.logger = logger
        self.readiness = readiness
    }

    func handle(_ request: HTTPRequest) {
        switch (request.method, request.path) {
        case (.get, "/healthz"), (.head, "/healthz"):
            request.respond(status: .ok, text: #"{"status":"ok"}"#)
        case (.get, "/readyz"), (.head, "/readyz"):
            let state = readiness()
            let body = """
                {"status":"\(state.isReady ? "ready" : "not_ready")",\
                "database":"\(state.databaseState)","stopping":\(state.isStopping)}
                """
            request.respond(status: state.isReady ? .ok : .serviceUnavailable, text: body)
        case (_, "/healthz"), (_, "/readyz"):
            request.respond(
                status: .methodNotAllowed, headers: [("Allow", "GET, HEAD")],
                text: #"{"error":"method_not_allowed"}"#)
        default:
            request.respond(status: .notFound, text: #"{"error":"not_found"}"#)
        }
    }
}
