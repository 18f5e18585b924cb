import EventHTTP
import ServiceKit

/// Keeps systemd told how the daemon is doing: `READY=1` once it can take
/// callbacks, a `STATUS=` line whenever that changes, `WATCHDOG=1` from a
/// loop timer, and `STOPPING=1` when a stop begins.
///
/// The pings come from the event loop itself, so a loop that is stuck stops
/// sending them and systemd restarts the service after `WatchdogSec=`.
/// Without `NOTIFY_SOCKET` every call does nothing. A notification that
/// cannot be sent is logged once, until one goes through again.
///
/// Thread rules: loop thread only.
final class SystemdSupervision {
    private let notifier: SystemdNotifier
    private let loop: EventLoop
    private let logger: Logger
    private var watchdogTimer: LoopEvent?
    private var isFailing = false
    private var lastStatus = ""

    /// Whether `READY=1` has been sent.
    private(set) var isReady = false

    init(notifier: SystemdNotifier = .fromEnvironment(), loop: EventLoop, logger: Logger) {
        self.notifier = notifier
        self.loop = loop
        self.logger = logger
    }

    /// Starts the watchdog pings at half the interval systemd asked for,
    /// when it asked for one.
    func startWatchdog() throws(EventError) {
        guard let interval = notifier.watchdogInterval else { return }
        send { try notifier.watchdog() }
        watchdogTimer = try LoopEvent.timer(on: loop, after: interval / 2, repeats: true) {
            [unowned self] in
            send { try notifier.watchdog() }
        }
        logger.notice("watchdog started", [.intervalMS: Int(interval / .milliseconds(1))])
    }

    /// Stops the pings, before the loop is freed.
    func stopWatchdog() {
        watchdogTimer = nil
    }

    /// Where a callback arriving now would be made durable.
    enum Durability: Equatable {
        /// Committed in PostgreSQL.
        case database
        /// PostgreSQL cannot take it; the spool can.
        case spool
        /// Neither: callbacks are answered 503.
        case none
    }

    /// Reports where callbacks can be made durable: the first time they can
    /// (in the database or the spool), the service is ready.
    func durabilityChanged(_ durability: Durability, spoolDepth: Int) {
        switch durability {
        case .database:
            status(
                spoolDepth == 0
                    ? "Serving; callbacks are recorded in the database"
                    : "Serving; callbacks are recorded in the database; draining \(spoolDepth) spooled"
            )
        case .spool:
            status(
                "Serving; the database is unavailable: callbacks go to the spool (\(spoolDepth) waiting)"
            )
        case .none:
            status(
                isReady
                    ? "Serving; neither the database nor the spool can take callbacks: they are answered 503"
                    : "Waiting for the database or the spool")
            return
        }
        if !isReady {
            isReady = true
            send { try notifier.ready() }
        }
    }

    /// Reports that a reload began; `reloadFinished()` ends it.
    func reloadStarted() {
        guard isReady else { return }
        send { try notifier.reloading() }
    }

    /// Reports that a reload is over, whatever its result.
    func reloadFinished() {
        guard isReady else { return }
        send { try notifier.ready() }
    }

    /// Reports that the daemon is stopping, with the requests it still answers.
    func stopping(requestsInFlight: Int) {
        send { try notifier.stopping() }
        status("Stopping; answering \(requestsInFlight) requests in flight")
    }

    /// Sends a `STATUS=` line, unless it is the one sent last.
    private func status(_ text: String) {
        guard text != lastStatus else { return }
        lastStatus = text
        send { try notifier.status(text) }
    }

    private func send(_ notification: () throws -> Void) {
        do {
            try notification()
            isFailing = false
        } catch {
            guard !isFailing else { return }
            isFailing = true
            logger.warning("systemd notification failed", [.error: "\(error)"])
        }
    }
}
