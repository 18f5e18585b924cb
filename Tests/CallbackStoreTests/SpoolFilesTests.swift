import Foundation
import Testing

@testable import CallbackStore

/// The spool's files: what is appended is read back in order after a
/// restart, a torn tail is set aside, and one process holds a spool.
@Suite struct SpoolFilesTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "spool-unit-" + UUID().uuidString.prefix(8)
    }

    private func record(_ index: Int, source: String? = "196.201.214.200") -> SpoolRecord {
        SpoolRecord(
            deliveryID: DeliveryID(), receivedAt: Date(timeIntervalSince1970: 1_765_000_000.25),
            sourceAddress: source, body: Array("{\"n\":\(index)}".utf8))
    }

    private func segmentFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("segment-") }.sorted()
    }

    @Test func crcMatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func recordRoundTripsThroughItsEncoding() {
        for original in [record(1), record(2, source: nil)] {
            var bytes: [UInt8] = []
            SpoolRecordCodec.encode(original, into: &bytes)
            guard case .record(let decoded, let next) = SpoolRecordCodec.decode(bytes, at: 0) else {
                Issue.record("not decoded")
                continue
            }
            #expect(decoded == original)
            #expect(next == bytes.count)
        }
    }

    @Test func missingParentDirectoriesAreCreatedAndTheSpoolIsPrivate() throws {
        let nested = directory + "/state/spool"
        let files = try SpoolFiles(path: nested) { _, _ in }
        try files.append([record(1)])
        let attributes = try FileManager.default.attributesOfItem(atPath: nested)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        #expect(files.recordCount == 1)
    }

    @Test func appendedRecordsAreReadBackInOrderAfterReopening() throws {
        let written = (0..<5).map { record($0) }
        do {
            let files = try SpoolFiles(path: directory) { _, _ in }
            try files.append(Array(written[0..<2]))
            try files.append(Array(written[2...]))
            #expect(files.recordCount == 5)
        }
        let reopened = try SpoolFiles(path: directory) { _, _ in
            Issue.record("nothing is torn")
        }
        #expect(reopened.recordCount == 5)
        let segment = try #require(try reopened.oldestSegment())
        #expect(segment.records == written)
        try reopened.remove(segment.number)
        #expect(reopened.recordCount == 0)
        #expect(try segmentFiles().isEmpty)
    }

    @Test func tornTailIsSetAsideAndWholeRecordsKept() throws {
        do {
            let files = try SpoolFiles(path: directory) { _, _ in }
            try files.append([record(1), record(2)])
        }
        let path = directory + "/" + (try segmentFiles()[0])
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        handle.seekToEndOfFile()
        // A header announcing more bytes than were written.
        handle.write(Data("MPS1".utf8) + Data([64, 0, 0, 0, 0, 0, 0, 0, 9, 9]))
        handle.closeFile()

        var torn: [String] = []
        do {
            let reopened = try SpoolFiles(path: directory) { _, reason in torn.append(reason) }
            #expect(reopened.recordCount == 2)
            // New appends follow the whole records, not the damage.
            try reopened.append([record(3)])
        }
        #expect(torn == ["payload shorter than its length"])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names.contains { $0.hasPrefix("torn-") })
        let again = try SpoolFiles(path: directory) { _, _ in Issue.record("nothing is torn") }
        #expect(again.recordCount == 3)
    }

    @Test func damagedChecksumIsSetAside() throws {
        do {
            let files = try SpoolFiles(path: directory) { _, _ in }
            try files.append([record(1)])
        }
        let path = directory + "/" + (try segmentFiles()[0])
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[bytes.count - 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))

        var torn: [String] = []
        let reopened = try SpoolFiles(path: directory) { _, reason in torn.append(reason) }
        #expect(torn == ["checksum mismatch"])
        #expect(reopened.recordCount == 0)
    }

    @Test func aSecondOpenOfTheSameSpoolIsRefused() throws {
        let files = try SpoolFiles(path: directory) { _, _ in }
        #expect(throws: SpoolError.self) {
            _ = try SpoolFiles(path: directory) { _, _ in }
        }
        withExtendedLifetime(files) {}
    }

    @Test func segmentsRotateAtTheSizeLimitAndDrainOldestFirst() throws {
        let files = try SpoolFiles(path: directory, segmentSizeLimit: 1) { _, _ in }
        let written = (0..<4).map { record($0) }
        for item in written {
            try files.append([item])
        }
        #expect(try segmentFiles().count == 4)
        var drained: [SpoolRecord] = []
        while let segment = try files.oldestSegment() {
            drained += segment.records
            try files.remove(segment.number)
        }
        #expect(drained == written)
    }
}
