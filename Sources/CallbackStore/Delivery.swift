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
