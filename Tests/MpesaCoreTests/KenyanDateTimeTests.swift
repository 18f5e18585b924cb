import Foundation
import MpesaCore
import Testing

@Suite("KenyanDateTime", .serialized)
struct KenyanDateTimeTests {
    @Test func readsCompactDigits() throws {
        let time = try #require(KenyanDateTime(compactDigits: "20251212143052"))
        let fields = [time.year, time.month, time.day, time.hour, time.minute, time.second]
        #expect(fields == [2025, 12, 12, 14, 30, 52])
        #expect(time.compactDigits == "20251212143052")
        #expect(time.iso8601 == "2025-12-12T14:30:52+03:00")
        #expect(time.secondsSince1970 == 1_765_539_052)
        #expect(time.date == Date(timeIntervalSince1970: 1_765_539_052))
    }

    @Test(arguments: [
        "20240229000000", "20000229120000", "20251231235959", "20250101000000", "20250430235959",
        "19700101030000", "00010101000000", "99991231235959", "20250131000000",
    ])
    func acceptsRealDatesAndTimes(_ digits: String) throws {
        let time = try #require(KenyanDateTime(compactDigits: digits))
        #expect(time.compactDigits == digits)
    }

    @Test(arguments: [
        "20250229000000", "19000229000000", "21000229000000", "20250431000000", "20250631000000",
        "20250001000000", "20251301000000", "20250100000000", "20250132000000",
        "20251231240000", "20251231236000", "20251231235960", "00000101000000",
        "2025121214305", "202512121430520", "", "2025-12-12T14", "20251212 43052",
        "+2025121214305", "２０２５１２１２１４３０５２", "2025121214305a",
    ])
    func refusesAnythingElse(_ digits: String) {
        #expect(KenyanDateTime(compactDigits: digits) == nil)
    }

    @Test func isThreeHoursAheadOfUTC() {
        let epoch = KenyanDateTime(date: Date(timeIntervalSince1970: 0))
        #expect(epoch.iso8601 == "1970-01-01T03:00:00+03:00")
        #expect(epoch.secondsSince1970 == 0)

        let lastSecondOfUTCDay = KenyanDateTime(date: Date(timeIntervalSince1970: 86_399))
        #expect(lastSecondOfUTCDay.compactDigits == "19700102025959")
    }

    @Test func takesTheSecondThatContainsTheInstant() {
        #expect(KenyanDateTime(date: Date(timeIntervalSince1970: 0.999)).second == 0)
        #expect(
            KenyanDateTime(date: Date(timeIntervalSince1970: -0.5)).iso8601
                == "1970-01-01T02:59:59+03:00")
    }

    @Test func roundTripsThroughCompactDigitsAndInstants() throws {
        var generator = SeededGenerator(seed: 2_025)
        for _ in 0..<2_000 {
            let seconds = Int64.random(in: -62_135_607_600...253_402_289_999, using: &generator)
            let time = KenyanDateTime(date: Date(timeIntervalSince1970: Double(seconds)))
            #expect(time.secondsSince1970 == seconds)
            #expect(KenyanDateTime(compactDigits: time.compactDigits) == time)
        }
    }

    @Test func agreesWithFoundationsCalendarForNairobi() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Africa/Nairobi"))
        var generator = SeededGenerator(seed: 254)
        // Nairobi has kept UTC+3 since 1960; earlier offsets were different.
        for _ in 0..<2_000 {
            let seconds = Double(Int64.random(in: 0...4_102_444_800, using: &generator))
            let date = Date(timeIntervalSince1970: seconds)
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: date)
            let time = KenyanDateTime(date: date)
            let fields: [Int?] = [
                time.year, time.month, time.day, time.hour, time.minute, time.second,
            ]
            let expected = [
                parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second,
            ]
            #expect(fields == expected)
        }
    }

    @Test func ignoresTheProcessTimeZone() {
        let instant = Date(timeIntervalSince1970: 1_765_539_052)
        let saved = getenv("TZ").map { String(cString: $0) }
        defer {
            if let saved {
                setenv("TZ", saved, 1)
            } else {
                unsetenv("TZ")
            }
            tzset()
        }

        for zone in ["Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kathmandu", "UTC"] {
            setenv("TZ", zone, 1)
            tzset()
            // The C library now works in that zone (Kiritimati is UTC+14, Kathmandu +5:45)...
            var seconds = time_t(1_765_539_052)
            var parts = tm()
            localtime_r(&seconds, &parts)
            #expect(zone == "UTC" || parts.tm_gmtoff != 3 * 3_600)

            // ...and Kenyan time does not move.
            #expect(KenyanDateTime(date: instant).iso8601 == "2025-12-12T14:30:52+03:00", "\(zone)")
            #expect(KenyanDateTime(compactDigits: "20251212143052")?.date == instant)
        }
    }

    @Test func clampsInstantsOutsideYearsOneToNineThousandNineHundredNinetyNine() {
        #expect(KenyanDateTime(date: .distantPast).compactDigits == "00010101000000")
        #expect(
            KenyanDateTime(date: Date(timeIntervalSince1970: 1e18)).compactDigits
                == "99991231235959")
        #expect(KenyanDateTime(date: Date(timeIntervalSince1970: -1e18)).year == 1)
        #expect(KenyanDateTime(date: Date(timeIntervalSince1970: .infinity)).year == 9_999)
        #expect(KenyanDateTime(date: Date(timeIntervalSince1970: .nan)).year == 1)
        #expect(KenyanDateTime(date: .distantFuture).year == 4_001)
    }

    @Test func ordersByWallClock() throws {
        let earlier = try #require(KenyanDateTime(compactDigits: "20241231235959"))
        let later = try #require(KenyanDateTime(compactDigits: "20250101000000"))
        #expect(earlier < later)
        #expect(earlier.secondsSince1970 + 1 == later.secondsSince1970)
    }
}

/// A small deterministic generator (SplitMix64), so that failures can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
