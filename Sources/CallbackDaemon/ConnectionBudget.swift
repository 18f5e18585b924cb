import EventHTTP
import MpesaCore
import ServiceKit

/// Fits the connection cap into the open-file limit, and gives each listener its
/// bounds.
///
/// Every connection takes a file descriptor, and a process out of descriptors cannot
/// accept, open the spool or reconnect to PostgreSQL. At start the soft limit is raised
/// to the hard one (the shipped unit sets both with `LimitNOFILE=`), and the cap is
/// lowered, with a warning, if both listeners at the cap would not leave room for the
/// rest.
enum ConnectionBudget {
    /// Descriptors kept for everything but client connections: the listening sockets,
    /// the database connections, the spool, the log, the sender's HTTP client.
    static let reserved = 256

    /// Raises the open-file limit and returns the cap per listener that fits in it.
    static func connectionCap(wanted: Int, logger: Logger) -> Int {
        let limits: OpenFileLimit.Limits
        do {
            limits = try OpenFileLimit.raiseToHardLimit()
        } catch {
            logger.warning("cannot raise the open-file limit", [.error: error])
            guard let current = try? OpenFileLimit.current() else { return wanted }
            limits = current
        }
        let fitting = max(16, (limits.soft - reserved) / 2)
        guard fitting < wanted else {
            logger.info("open-file limit", [.limit: limits.soft, .maximumConnections: wanted])
            return wanted
        }
        logger.warning(
            "MPESA_MAX_CONNECTIONS lowered to fit the open-file limit",
            [.limit: limits.soft, .maximumConnections: fitting])
        return fitting
    }

    /// The public listener's bounds.
    static func publicLimits(_ traffic: TrafficConfiguration, cap: Int) -> HTTPServer.Limits {
        HTTPServer.Limits(
            maximumBodyBytes: CallbackLimits.maximumBodyBytes, timeout: traffic.idleTimeout,
            maximumConnections: cap, requestDeadline: traffic.requestDeadline)
    }

    /// The admin listener's bounds: its answers may take as long as a push does, so
    /// its idle timeout stays at 30 s.
    static func adminLimits(_ traffic: TrafficConfiguration, cap: Int) -> HTTPServer.Limits {
        HTTPServer.Limits(
            maximumBodyBytes: 65_536, maximumConnections: cap,
            requestDeadline: traffic.requestDeadline)
    }
}
