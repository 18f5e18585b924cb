import Synchronization

/// A distribution of observations in fixed buckets, such as request durations. One child
/// of a `HistogramFamily`.
///
/// `observe` is two relaxed atomic updates and a short compare-and-swap loop for the
/// sum; any thread may call it. Each observation is counted in exactly one bucket, and
/// the cumulative counts are summed when the registry renders.
public final class Histogram: Sendable {
    /// Bounds for durations in seconds, from half a millisecond to ten seconds.
    public static let secondsBuckets: [Double] = [
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// The upper bound of each bucket, rising; `+Inf` follows implicitly.
    public let upperBounds: [Double]

    /// One count per bucket, not cumulative, with the `+Inf` bucket last.
    private let bucketCounts: [Counter]
    private let sumBits = Atomic<UInt64>(Double.zero.bitPattern)

    init(upperBounds: [Double]) {
        self.upperBounds = upperBounds
        bucketCounts = (0...upperBounds.count).map { _ in Counter() }
    }

    /// Records one observation. NaN is ignored: it would make the sum NaN for good.
    public func observe(_ value: Double) {
        guard !value.isNaN else {
            return
        }

        let bucket = upperBounds.firstIndex { value <= $0 } ?? upperBounds.count
        bucketCounts[bucket].increment()

        var current = sumBits.load(ordering: .relaxed)
        while true {
            let updated = (Double(bitPattern: current) + value).bitPattern
            let (exchanged, original) = sumBits.weakCompareExchange(
                expected: current, desired: updated, ordering: .relaxed)
            if exchanged {
                return
            }
            current = original
        }
    }

    /// Records a duration, in seconds.
    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// The cumulative count for each bound and `+Inf`, the sum, and the total count,
    /// which always equals the `+Inf` count.
    func snapshot() -> (cumulativeCounts: [Int], sum: Double, count: Int) {
        var running = 0
        let cumulative = bucketCounts.map { bucket in
            running += bucket.value
            return running
        }
        let sum = Double(bitPattern: sumBits.load(ordering: .relaxed))
        return (cumulative, sum, running)
    }
}
