/// Decides when an event that may repeat many times a second is worth a log line: the
/// first time at once, then at most once per interval, with the count since the last.
///
/// Thread rules: one thread per value.
struct OccasionalNotice {
    /// The shortest time between two lines.
    let interval: Duration
    private var lastLogged: ContinuousClock.Instant?
    private var unlogged = 0

    init(every interval: Duration) {
        self.interval = interval
    }

    /// Counts one occurrence.
    ///
    /// - Returns: the occurrences to report, this one included, when a line is due;
    ///   nil otherwise.
    mutating func occurred(at now: ContinuousClock.Instant = .now) -> Int? {
        unlogged += 1
        if let lastLogged, now - lastLogged < interval {
            return nil
        }
        lastLogged = now
        defer { unlogged = 0 }
        return unlogged
    }
}
