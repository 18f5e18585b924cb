import Synchronization

/// A count that only goes up, such as callbacks received. One child of a `CounterFamily`.
///
/// Keep the handle and call `increment` from any thread: it is one relaxed atomic add.
public final class Counter: Sendable {
    private let storage = Atomic<Int>(0)

    init() {}

    /// Adds `amount`, which must not be negative.
    public func increment(by amount: Int = 1) {
        precondition(amount >= 0, "a counter only goes up")
        storage.wrappingAdd(amount, ordering: .relaxed)
    }

    /// The current count.
    public var value: Int {
        storage.load(ordering: .relaxed)
    }
}
