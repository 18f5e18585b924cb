/// A token bucket for each source address, kept in a table of fixed size.
///
/// Each source starts with `burst` tokens; a request takes one, and tokens come back at
/// `perSecond` up to `burst`. A source with no token left is limited until one comes
/// back. IPv4 sources are counted one address at a time and IPv6 sources one /64 at a
/// time, since a single IPv6 host usually holds a whole /64.
///
/// Memory is bounded: the table holds at most `capacity` sources. When it is full, a
/// new source takes the place of the least recently seen of a few sampled entries.
/// A source evicted this way starts again with a full bucket, so a client spread over
/// more addresses than the table holds is limited less; each address still gets at
/// most `burst` requests at once.
///
/// A value type with no locking: each owner keeps its own, on one thread.
public struct SourceRateLimiter: Sendable {
    /// How fast tokens come back and how many a source may hold.
    public struct Rate: Sendable, Equatable, CustomStringConvertible {
        /// Tokens added per second.
        public var perSecond: Double
        /// The most tokens a source may hold: the requests it may make at once.
        public var burst: Int

        /// Creates a rate; `perSecond` must be above 0 and `burst` at least 1.
        public init(perSecond: Double, burst: Int) {
            precondition(perSecond > 0 && burst >= 1, "a rate needs tokens and room for one")
            self.perSecond = perSecond
            self.burst = burst
        }

        public var description: String {
            "\(perSecond)/s, burst \(burst)"
        }
    }

    private struct Bucket {
        var key: UInt128
        var tokens: Double
        var updatedAt: ContinuousClock.Instant
    }

    /// The rate every source gets.
    public let rate: Rate
    /// The most sources the table holds.
    public let capacity: Int

    private var slots: [UInt128: Int] = [:]
    private var buckets: [Bucket] = []
    /// xorshift state for choosing which entries to compare when evicting.
    private var sampler: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// How many entries an eviction compares.
    private static let evictionSample = 8

    /// Creates an empty table.
    public init(rate: Rate, capacity: Int = 4_096) {
        precondition(capacity >= 1, "a rate limiter needs room for one source")
        self.rate = rate
        self.capacity = capacity
        slots.reserveCapacity(capacity)
        buckets.reserveCapacity(capacity)
    }

    /// The number of sources the table holds now.
    public var trackedSources: Int {
        buckets.count
    }

    /// Takes a token for `source` if it has one.
    ///
    /// - Returns: true when the request may go ahead, false when the source is limited.
    public mutating func admit(_ source: IPAddress, at now: ContinuousClock.Instant) -> Bool {
        let key = Self.key(for: source)
        guard let slot = slots[key] else {
            insert(key, tokens: Double(rate.burst) - 1, at: now)
            return true
        }

        let tokens = refilled(buckets[slot], at: now)
        buckets[slot].updatedAt = now
        guard tokens >= 1 else {
            buckets[slot].tokens = tokens
            return false
        }
        buckets[slot].tokens = tokens - 1
        return true
    }

    /// Whether `source` has no token left; takes none.
    public func isLimited(_ source: IPAddress, at now: ContinuousClock.Instant) -> Bool {
        guard let slot = slots[Self.key(for: source)] else {
            return false
        }
        return refilled(buckets[slot], at: now) < 1
    }

    private func refilled(_ bucket: Bucket, at now: ContinuousClock.Instant) -> Double {
        let elapsed = bucket.updatedAt < now ? now - bucket.updatedAt : .zero
        let (seconds, attoseconds) = elapsed.components
        let added = (Double(seconds) + Double(attoseconds) / 1e18) * rate.perSecond
        return min(Double(rate.burst), bucket.tokens + added)
    }

    private mutating func insert(_ key: UInt128, tokens: Double, at now: ContinuousClock.Instant) {
        let bucket = Bucket(key: key, tokens: tokens, updatedAt: now)
        guard buckets.count == capacity else {
            slots[key] = buckets.count
            buckets.append(bucket)
            return
        }

        let victim = leastRecentlySeenOfSample()
        slots[buckets[victim].key] = nil
        slots[key] = victim
        buckets[victim] = bucket
    }

    private mutating func leastRecentlySeenOfSample() -> Int {
        var oldest = nextSample()
        for _ in 1..<Self.evictionSample {
            let candidate = nextSample()
            if buckets[candidate].updatedAt < buckets[oldest].updatedAt {
                oldest = candidate
            }
        }
        return oldest
    }

    private mutating func nextSample() -> Int {
        sampler ^= sampler << 13
        sampler ^= sampler >> 7
        sampler ^= sampler << 17
        return Int(sampler % UInt64(buckets.count))
    }

    /// The table key: an IPv4 address whole, an IPv6 address's /64.
    static func key(for address: IPAddress) -> UInt128 {
        address.isIPv4 ? address.bits : address.bits & (UInt128.max << 64)
    }
}
