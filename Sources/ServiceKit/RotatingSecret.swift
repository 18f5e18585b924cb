/// A secret that may be replaced without downtime: the current value, and while clients
/// move over, the previous one, both accepted.
///
/// A candidate is always compared with both values, each in time that depends only on
/// the candidate's length, so the time taken says neither whether it matched nor which
/// value it matched.
public struct RotatingSecret: Sendable {
    /// Which value a candidate matched.
    public enum Match: Sendable, Equatable {
        case current
        case previous
        case none
    }

    /// The value in force.
    public var current: Secret
    /// The value being retired, still accepted; nil once every client has moved over.
    public var previous: Secret?

    /// Creates a secret with an optional value being retired.
    public init(current: Secret, previous: Secret? = nil) {
        self.current = current
        self.previous = previous
    }

    /// Compares `candidate` with both values.
    ///
    /// - Parameter candidate: bytes from outside, such as a token from a request path.
    public func match(_ candidate: [UInt8]) -> Match {
        // Both comparisons run whatever the first found; without a previous value the
        // current one stands in, so the work is the same.
        let isCurrent = current.constantTimeEquals(candidate)
        let isPrevious = (previous ?? current).constantTimeEquals(candidate)
        if isCurrent {
            return .current
        }
        return isPrevious && previous != nil ? .previous : .none
    }
}
