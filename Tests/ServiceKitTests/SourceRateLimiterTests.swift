import ServiceKit
import Testing

@Suite struct SourceRateLimiterTests {
    private let start = ContinuousClock.now

    private func address(_ text: String) throws -> IPAddress {
        try IPAddress(parsing: text)
    }

    @Test func aSourceGetsItsBurstThenWaitsForTokens() throws {
        var limiter = SourceRateLimiter(rate: .init(perSecond: 2, burst: 3))
        let source = try address("203.0.113.1")

        let atOnce = (0..<5).map { _ in limiter.admit(source, at: start) }
        #expect(atOnce == [true, true, true, false, false])
        #expect(limiter.isLimited(source, at: start))
        let later = [
            limiter.admit(source, at: start + .milliseconds(400)),
            limiter.admit(source, at: start + .milliseconds(600)),
            limiter.admit(source, at: start + .milliseconds(600)),
        ]
        #expect(later == [false, true, false])
        // Tokens never pile up past the burst.
        let muchLater = start + .seconds(60)
        let afterAMinute = (0..<4).map { _ in limiter.admit(source, at: muchLater) }
        #expect(afterAMinute == [true, true, true, false])
    }

    @Test func askingWhetherASourceIsLimitedTakesNoToken() throws {
        var limiter = SourceRateLimiter(rate: .init(perSecond: 1, burst: 1))
        let source = try address("203.0.113.2")

        #expect(!limiter.isLimited(source, at: start))
        #expect(!limiter.isLimited(source, at: start))
        let admitted = limiter.admit(source, at: start)
        #expect(admitted)
        #expect(limiter.isLimited(source, at: start))
        #expect(!limiter.isLimited(source, at: start + .seconds(1)))
    }

    @Test func sourcesHaveBucketsOfTheirOwn() throws {
        var limiter = SourceRateLimiter(rate: .init(perSecond: 1, burst: 1))

        let results = [
            limiter.admit(try address("203.0.113.3"), at: start),
            limiter.admit(try address("203.0.113.3"), at: start),
            limiter.admit(try address("203.0.113.4"), at: start),
            limiter.admit(try address("::ffff:203.0.113.4"), at: start),
        ]
        #expect(results == [true, false, true, false])
    }

    @Test func anIPv6SourceIsCountedByItsSlash64() throws {
        var limiter = SourceRateLimiter(rate: .init(perSecond: 1, burst: 1))

        let results = [
            limiter.admit(try address("2001:db8:1:2::1"), at: start),
            limiter.admit(try address("2001:db8:1:2:ffff::9"), at: start),
            limiter.admit(try address("2001:db8:1:3::1"), at: start),
        ]
        #expect(results == [true, false, true])
    }

    @Test func theTableNeverGrowsPastItsCapacity() throws {
        var limiter = SourceRateLimiter(rate: .init(perSecond: 1, burst: 1), capacity: 16)

        let newcomers = (0..<1_000).map { index in
            limiter.admit(
                IPAddress(ipv4: 0xCB00_7100 + UInt32(index)), at: start + .milliseconds(index))
        }
        #expect(newcomers.allSatisfy { $0 })
        #expect(limiter.trackedSources == 16)
        // The most recent source is still known, and still limited.
        let latest = limiter.admit(IPAddress(ipv4: 0xCB00_7100 + 999), at: start + .seconds(1))
        #expect(!latest)
    }
}
