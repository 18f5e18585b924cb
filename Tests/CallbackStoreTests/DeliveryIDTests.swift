import Foundation
import Testing

@testable import CallbackStore

/// Delivery ids: UUIDs of version 7 that sort by the time they were made.
@Suite struct DeliveryIDTests {
    @Test func carriesItsMillisecondsVersionSevenAndTheRFCVariant() {
        let milliseconds: UInt64 = 1_764_757_800_123  // 2025-12-03T10:30:00.123Z
        let id = DeliveryID(milliseconds: milliseconds)
        let text = id.description
        #expect(text.hasPrefix("019ae3c3-04bb-7"))
        #expect(text.count == 36)
        let variant = text[text.index(text.startIndex, offsetBy: 19)]
        #expect("89ab".contains(variant))
    }

    @Test func aLaterIdSortsAfterAnEarlierOneAsPostgreSQLComparesThem() {
        var earlier = DeliveryID(milliseconds: 1_764_757_800_123)
        for step: UInt64 in [1, 2, 1000, 86_400_000] {
            let later = DeliveryID(milliseconds: 1_764_757_800_123 + step)
            #expect(earlier.description < later.description)
            earlier = later
        }
    }

    @Test func idsMadeInTheSameMillisecondDiffer() {
        let ids = (0..<10_000).map { _ in DeliveryID(milliseconds: 1_764_757_800_123) }
        #expect(Set(ids).count == ids.count)
    }

    @Test func aNewIdIsStampedWithTheCurrentTime() throws {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = DeliveryID()
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        let hex = id.description.replacingOccurrences(of: "-", with: "").prefix(12)
        let stamped = try #require(UInt64(hex, radix: 16))
        #expect((before...after).contains(stamped))
    }

    @Test func itsTextReadsBackInEitherCase() throws {
        let id = DeliveryID()
        #expect(DeliveryID(text: id.description) == id)
        #expect(DeliveryID(text: id.description.uppercased()) == id)
        let known = try #require(DeliveryID(text: "019ae3c3-04bb-7abc-8def-0123456789af"))
        #expect(known.uuid.uuidString == "019AE3C3-04BB-7ABC-8DEF-0123456789AF")
    }

    @Test(arguments: [
        "", "019ae3c3-04bb-7abc-8def-0123456789a", "019ae3c3-04bb-7abc-8def-0123456789af0",
        "019ae3c304bb-7abc-8def-0123456789af0", "019ae3c3-04bb-7abc-8def-0123456789ag",
        "019ae3c3_04bb-7abc-8def-0123456789af", "{019ae3c3-04bb-7abc-8def-0123456789af}",
    ])
    func anythingElseIsNotAnID(_ text: String) {
        #expect(DeliveryID(text: text) == nil)
    }
}
