import PostgresClient
import ServiceKit

/// Settles pushes whose callback never came by asking Daraja's STK query
/// API, gently.
///
/// Safaricom does not retry a callback, so an accepted push without one
/// stays unsettled unless someone asks. Every `interval` the reconciler
/// claims a few accepted requests that have waited `after`, queries them one
/// at a time, and records what it learns: a paid push becomes
/// `paid_without_callback` (the query carries no receipt, so no payment row
/// is invented; the request is listed in `mpesa.needs_review`), a failed one
/// `failed`, and "no answer yet" (`4999`, or `500.001.1001`, which on the
/// query means nothing more) is asked again later, with the wait doubling,
/// up to `maximumQueries` times.
///
/// Thread rules: any task; `run()` loops until its task is cancelled.
public final class StkReconciler: Sendable {
    /// What one query found, for counting.
    public enum Result: String, Sendable {
        /// Paid, while no callback came.
        case paidWithoutCallback = "paid_without_callback"
        /// The payment failed or was cancelled.
        case failed
        /// No answer yet: asked again later.
        case pending
        /// The query itself failed: asked again later.
        case error
    }

    /// The statements to prepare on the reconciler's connection.
    public static let statements = ReconcileStatements.all

    /// How long a claim keeps other daemons off a request.
    private static let lease = Duration.seconds(120)
    /// The most requests claimed at once.
    private static let batch = 10

    private let sender: StkSender
    private let database: AsyncPostgresConnection
    private let configuration: ReconcilerConfiguration
    private let logger: Logger
    private let onQuery: @Sendable (Result) -> Void

    public init(
        sender: StkSender, database: AsyncPostgresConnection,
        configuration: ReconcilerConfiguration, logger: Logger,
        onQuery: @escaping @Sendable (Result) -> Void = { _ in }
    ) {
        self.sender = sender
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.onQuery = onQuery
    }

    /// Reconciles until the calling task is cancelled.
    public func run() async {
        while !Task.isCancelled {
            await reconcileDueRequests()
            try? await Task.sleep(for: configuration.interval)
        }
    }

    /// Settles the requests whose callback came early, then claims the due
    /// requests and queries each once.
    public func reconcileDueRequests() async {
        guard configuration.maximumQueries > 0 else { return }
        await settleFromEarlyCallbacks()
        let claimed: PostgresRows
        do {
            claimed = try await database.execute(
                PostgresCommand(
                    ReconcileStatements.claim,
                    [
                        .text(Self.interval(configuration.after)),
                        .text(String(configuration.maximumQueries)),
                        .text(Self.interval(Self.lease)), .text(String(Self.batch)),
                    ]))
        } catch {
            logger.warning("reconciliation skipped", [.error: error])
            return
        }
        logger.debug("reconciliation pass", [.count: claimed.rows.count])
        for row in claimed.rows {
            guard !Task.isCancelled, let id = row[0], let checkoutID = row[1],
                let attempt = row[2].flatMap({ Int($0) })
            else { continue }
            await reconcile(id: id, checkoutRequestID: checkoutID, attempt: attempt)
        }
    }

    /// A callback recorded before the sender wrote Daraja's answer found no
    /// request to settle; its request is settled from it here, without a query.
    private func settleFromEarlyCallbacks() async {
        do {
            let settled = try await database.execute(
                PostgresCommand(
                    ReconcileStatements.settleFromEarlyCallbacks,
                    [.text(Self.interval(configuration.after))]))
            for row in settled.rows {
                logger.notice(
                    "push settled from an earlier callback",
                    [.checkoutRequestID: row[0] ?? "", .state: row[1] ?? ""])
            }
        } catch {
            logger.warning("reconciliation skipped", [.error: error])
        }
    }

    private func reconcile(id: String, checkoutRequestID: String, attempt: Int) async {
        let outcome: Result
        var command: PostgresCommand
        do throws(StkSenderError) {
            switch try await sender.query(checkoutRequestID: checkoutRequestID) {
            case .completed(let code, let description):
                outcome = code == "0" ? .paidWithoutCallback : .failed
                let state: StkRequestState = code == "0" ? .paidWithoutCallback : .failed
                command = PostgresCommand(
                    ReconcileStatements.settle,
                    [.text(id), .text(state.rawValue), .text(code), .text(description)])
            case .pending(let message):
                outcome = .pending
                command = postpone(id, attempt: attempt, note: "pending: \(message)")
            }
        } catch {
            outcome = .error
            command = postpone(id, attempt: attempt, note: "query failed: \(error)")
        }
        onQuery(outcome)
        do {
            let rows = try await database.execute(command)
            logger.notice(
                "push reconciled",
                [
                    .checkoutRequestID: checkoutRequestID, .outcome: outcome.rawValue,
                    .attempt: attempt, .settled: rows.affectedRows > 0 && outcome.isSettling,
                ])
        } catch {
            // The lease runs out and another pass asks again.
            logger.warning(
                "reconciliation not recorded",
                [.checkoutRequestID: checkoutRequestID, .error: error])
        }
    }

    private func postpone(_ id: String, attempt: Int, note: String) -> PostgresCommand {
        PostgresCommand(
            ReconcileStatements.postpone,
            [
                .text(id), .text(Self.interval(configuration.retryDelay(afterAttempt: attempt))),
                .text(String(note.prefix(200))),
            ])
    }

    /// A duration as a PostgreSQL interval literal in milliseconds.
    private static func interval(_ duration: Duration) -> String {
        "\(Int64(duration / .milliseconds(1))) milliseconds"
    }
}

extension StkReconciler.Result {
    /// Whether this result settles the request.
    var isSettling: Bool { self == .paidWithoutCallback || self == .failed }
}
