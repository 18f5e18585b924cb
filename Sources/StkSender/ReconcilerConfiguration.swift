import ServiceKit

/// When and how often the reconciler asks the STK query API about pushes
/// whose callback has not come.
public struct ReconcilerConfiguration: Sendable {
    /// How long after Daraja accepted a push the reconciler first asks.
    public var after: Duration
    /// How often the reconciler looks for due requests.
    public var interval: Duration
    /// The most queries for one request; after that it stays `accepted` and
    /// is listed for review.
    public var maximumQueries: Int
    /// The first wait between two queries of one request; it doubles with
    /// each query, up to ten minutes.
    public var firstRetryDelay: Duration

    public init(
        after: Duration = .seconds(180), interval: Duration = .seconds(15),
        maximumQueries: Int = 6, firstRetryDelay: Duration = .seconds(30)
    ) {
        self.after = after
        self.interval = interval
        self.maximumQueries = maximumQueries
        self.firstRetryDelay = firstRetryDelay
    }

    /// Reads `MPESA_RECONCILE_AFTER`, `MPESA_RECONCILE_INTERVAL`,
    /// `MPESA_RECONCILE_MAX_QUERIES` and `MPESA_RECONCILE_RETRY_DELAY`,
    /// recording problems in `source`.
    public init(source: ConfigurationSource) {
        let defaults = ReconcilerConfiguration()
        after = source.duration(
            "MPESA_RECONCILE_AFTER", default: defaults.after, range: .zero ... .seconds(86_400))
        interval = source.duration(
            "MPESA_RECONCILE_INTERVAL", default: defaults.interval,
            range: .milliseconds(100) ... .seconds(3_600))
        maximumQueries = source.integer(
            "MPESA_RECONCILE_MAX_QUERIES", default: defaults.maximumQueries, range: 0...100)
        firstRetryDelay = source.duration(
            "MPESA_RECONCILE_RETRY_DELAY", default: defaults.firstRetryDelay,
            range: .milliseconds(100) ... .seconds(3_600))
    }

    /// The wait after the `attempt`th query that gave no outcome.
    func retryDelay(afterAttempt attempt: Int) -> Duration {
        let doubled = firstRetryDelay * (1 << min(max(attempt - 1, 0), 20))
        return min(doubled, .seconds(600))
    }
}
