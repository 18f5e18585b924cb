import Foundation
import MpesaCore

/// One POST to the callback route that reached validation, with what
/// validation made of it: the unit the store makes durable.
public struct Delivery: Sendable {
    /// What validation decided about the body.
    public enum Verdict: Sendable {
        case accepted(StkCallback)
        case rejected(CallbackRejection)
    }

    /// Assigned at receipt; makes every later write of this delivery (a
    /// retry, a spool replay) a no-op once one has committed.
    public let id: DeliveryID
    /// When the request reached the daemon.
    public let receivedAt: Date
    /// The client address, after trusted-proxy resolution; nil when unknown.
    public let sourceAddress: String?
    /// The body exactly as received.
    public let body: [UInt8]
    public let verdict: Verdict

    public init(
        id: DeliveryID = DeliveryID(), receivedAt: Date = Date(), sourceAddress: String?,
        body: [UInt8], verdict: Verdict
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.sourceAddress = sourceAddress
        self.body = body
        self.verdict = verdict
    }

    /// The validated callback, when the body passed validation.
    public var callback: StkCallback? {
        if case .accepted(let callback) = verdict { return callback }
        return nil
    }
}

/// A delivery's identifier: a UUID of version 7, whose first 48 bits are
/// the Unix time in milliseconds and whose last 74 are random.
///
/// Ids made later sort later, so the unique index on `delivery_id` grows at
/// its right edge like a serial key: each insert touches the page the last
/// one touched, where a random id (version 4) would touch any page of an
/// index that outgrows memory, and after each checkpoint write a full page
/// image to the WAL for nearly every insert.
public struct DeliveryID: Sendable, Hashable, CustomStringConvertible {
    public let uuid: UUID

    /// A new id for the current time.
    public init() {
        self.init(milliseconds: UInt64(Date().timeIntervalSince1970 * 1000))
    }

    /// A new id for `milliseconds` since 1970 (RFC 9562, section 5.7).
    init(milliseconds: UInt64) {
        var generator = SystemRandomNumberGenerator()
        let random: (UInt64, UInt64) = (generator.next(), generator.next())
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index)))
        }
        for index in 6..<16 {
            let word = index < 8 ? random.0 : random.1
            bytes[index] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(index % 8)))
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        self.init(bytes: bytes)
    }

    /// Reads the text form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, in
    /// either case, as PostgreSQL prints a `uuid` and the spool's file
    /// names hold it; nil for anything else. (Foundation's parser cost
    /// more than the rest of reading a batch's results.)
    public init?(text: String) {
        var bytes = [UInt8](repeating: 0, count: 16)
        var count = 0
        var nibble = 0
        for (offset, character) in text.utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            guard count < 16 else { return nil }
            bytes[count] = bytes[count] << 4 | value
            nibble += 1
            if nibble == 2 {
                nibble = 0
                count += 1
            }
        }
        guard count == 16, nibble == 0 else { return nil }
        self.init(bytes: bytes)
    }

    /// The id whose sixteen bytes are `bytes`.
    private init(bytes: [UInt8]) {
        self.uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14],
                bytes[15]
            ))
    }

    /// An existing identifier, read back from the spool.
    public init(uuid: UUID) {
        self.uuid = uuid
    }

    /// Lower-case hyphenated text, as PostgreSQL prints a `uuid`.
    public var description: String { uuid.uuidString.lowercased() }
}
