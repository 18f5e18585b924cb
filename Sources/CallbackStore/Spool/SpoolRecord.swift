import Foundation

/// One delivery kept in the spool while PostgreSQL could not take it: the
/// raw body and what is needed to record it later exactly as if it had been
/// recorded at once. Validation is run again when it is replayed.
public struct SpoolRecord: Sendable, Equatable {
    public let deliveryID: DeliveryID
    public let receivedAt: Date
    public let sourceAddress: String?
    public let body: [UInt8]

    public init(deliveryID: DeliveryID, receivedAt: Date, sourceAddress: String?, body: [UInt8]) {
        self.deliveryID = deliveryID
        self.receivedAt = receivedAt
        self.sourceAddress = sourceAddress
        self.body = body
    }

    /// The record for `delivery`.
    public init(_ delivery: Delivery) {
        self.init(
            deliveryID: delivery.id, receivedAt: delivery.receivedAt,
            sourceAddress: delivery.sourceAddress, body: delivery.body)
    }
}

/// The on-disk form of a record:
///
///     offset  size  field
///     0       4     magic "MPS1"
///     4       4     payload length, little-endian
///     8       4     CRC-32 of the payload, little-endian
///     12      n     payload: delivery id (16 bytes), received-at in
///                   microseconds since 1970 (int64 LE), source length
///                   (uint16 LE) and UTF-8 bytes, body length (uint32 LE)
///                   and bytes
///
/// A record is whole only if its header is complete, its length fits what
/// follows and its checksum matches; anything else at the end of a file is
/// the torn tail of a write that was never acknowledged.
enum SpoolRecordCodec {
    static let magic: [UInt8] = Array("MPS1".utf8)
    static let headerSize = 12
    /// Far above any body the listener accepts; a larger length is damage.
    static let maximumPayloadSize = 1 << 20

    static func encode(_ record: SpoolRecord, into output: inout [UInt8]) {
        var payload: [UInt8] = []
        payload.reserveCapacity(32 + record.body.count)
        withUnsafeBytes(of: record.deliveryID.uuid.uuid) { payload.append(contentsOf: $0) }
        let micros = Int64((record.receivedAt.timeIntervalSince1970 * 1_000_000).rounded(.down))
        append(UInt64(bitPattern: micros), bytes: 8, to: &payload)
        let source = Array((record.sourceAddress ?? "").utf8.prefix(Int(UInt16.max)))
        append(UInt64(source.count), bytes: 2, to: &payload)
        payload.append(contentsOf: source)
        append(UInt64(record.body.count), bytes: 4, to: &payload)
        payload.append(contentsOf: record.body)

        output.append(contentsOf: magic)
        append(UInt64(payload.count), bytes: 4, to: &output)
        append(UInt64(CRC32.checksum(payload)), bytes: 4, to: &output)
        output.append(contentsOf: payload)
    }

    /// The outcome of reading at one offset.
    enum Decoded {
        /// A whole record and the offset just after it.
        case record(SpoolRecord, next: Int)
        /// Nothing more: the offset is the end of the data.
        case end
        /// Bytes that are not a whole record start here.
        case damaged(reason: String)
    }

    static func decode(_ data: [UInt8], at offset: Int) -> Decoded {
        guard offset < data.count else { return .end }
        guard data.count - offset >= headerSize else { return .damaged(reason: "short header") }
        guard Array(data[offset..<offset + 4]) == magic else {
            return .damaged(reason: "bad magic")
        }
        let length = Int(read(data, at: offset + 4, bytes: 4))
        guard length <= maximumPayloadSize, data.count - offset - headerSize >= length else {
            return .damaged(reason: "payload shorter than its length")
        }
        let start = offset + headerSize
        let payload = data[start..<start + length]
        guard CRC32.checksum(payload) == UInt32(read(data, at: offset + 8, bytes: 4)) else {
            return .damaged(reason: "checksum mismatch")
        }
        guard let record = parsePayload(Array(payload)) else {
            return .damaged(reason: "malformed payload")
        }
        return .record(record, next: start + length)
    }

    private static func parsePayload(_ payload: [UInt8]) -> SpoolRecord? {
        guard payload.count >= 16 + 8 + 2 else { return nil }
        let uuid = UUID(
            uuid: (
                payload[0], payload[1], payload[2], payload[3], payload[4], payload[5], payload[6],
                payload[7], payload[8], payload[9], payload[10], payload[11], payload[12],
                payload[13], payload[14], payload[15]
            ))
        let micros = Int64(bitPattern: read(payload, at: 16, bytes: 8))
        let sourceLength = Int(read(payload, at: 24, bytes: 2))
        let bodyLengthOffset = 26 + sourceLength
        guard payload.count >= bodyLengthOffset + 4 else { return nil }
        let source = String(decoding: payload[26..<bodyLengthOffset], as: UTF8.self)
        let bodyLength = Int(read(payload, at: bodyLengthOffset, bytes: 4))
        guard payload.count == bodyLengthOffset + 4 + bodyLength else { return nil }
        return SpoolRecord(
            deliveryID: DeliveryID(uuid: uuid),
            receivedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000),
            sourceAddress: source.isEmpty ? nil : source,
            body: Array(payload[(bodyLengthOffset + 4)...]))
    }

    private static func append(_ value: UInt64, bytes: Int, to output: inout [UInt8]) {
        for index in 0..<bytes {
            output.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }

    private static func read(_ data: [UInt8], at offset: Int, bytes: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<bytes {
            value |= UInt64(data[offset + index]) << (8 * UInt64(index))
        }
        return value
    }
}
