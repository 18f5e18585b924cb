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

/// A random 128-bit identifier in UUID form (version 4).
public struct DeliveryID: Sendable, Hashable, CustomStringConvertible {
    public let uuid: UUID

    public init() {
        self.uuid = UUID()
    }

    public init?(text: String) {
        guard let uuid = UUID(uuidString: text) else { return nil }
        self.uuid = uuid
    }

    /// An existing identifier, read back from the spool.
    public init(uuid: UUID) {
        self.uuid = uuid
    }

    /// Lower-case hyphenated text, as PostgreSQL prints a `uuid`.
    public var description: String { uuid.uuidString.lowercased() }
}

/// Text forms of instants that PostgreSQL reads without ambiguity.
enum TimestampText {
    /// ISO 8601 in UTC with microseconds, for example
    /// `2025-12-12T11:30:52.123456Z`.
    static func utc(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        let seconds = microseconds.floorDivided(by: 1_000_000)
        let fraction = microseconds - seconds * 1_000_000
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        return "\(year)-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondOfDay / 3600, 2)):"
            + "\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01.
    static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        // Howard Hinnant's days-to-civil algorithm, with eras of 400 years.
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width
            ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
