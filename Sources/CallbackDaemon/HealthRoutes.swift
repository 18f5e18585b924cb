import EventHTTP
import ServiceKit

/// The admin listener's own routes: liveness and readiness.
///
/// Thread rules: loop thread only.
enum HealthRoutes {
    /// What `/readyz` reports.
    struct Readiness {
        /// PostgreSQL can take writes, or the spool can.
        var canMakeDurable: Bool
        var databaseState: String
        /// Deliveries in the spool not yet drained into PostgreSQL.
        var spoolDepth: Int
        var isStopping: Bool

        var isReady: Bool { canMakeDurable && !isStopping }
    }

    /// Adds `/healthz` and `/readyz` to `router`.
    static func register(on router: AdminRouter, readiness: @escaping () -> Readiness) {
        router.register(.get, "/healthz") { request, _ in
            request.respond(status: .ok, text: #"{"status":"ok"}"#)
        }
        router.register(.get, "/readyz") { request, _ in
            let state = readiness()
            let body = """
                {"status":"\(state.isReady ? "ready" : "not_ready")",\
                "database":"\(state.databaseState)","spool_depth":\(state.spoolDepth),\
                "stopping":\(state.isStopping)}
                """
            request.respond(status: state.isReady ? .ok : .serviceUnavailable, text: body)
        }
    }
}
