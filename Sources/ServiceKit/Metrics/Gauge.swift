import Synchronization

/// A value that goes up and down, such as connections open. One child of a
/// `GaugeFamily`.
///
/// Any thread may update it: `set` is one atomic store, `add` a short compare-and-swap
/// loop. Whole numbers up to 2^53 are held exactly.
public final class Gauge: Sendable {
    private let bits = Atomic<UInt64>(Double.zero.bitPattern)

    init() {}

    /// Replaces the value.
    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    /// Replaces the value with a whole number.
    public func set(_ value: Int) {
        set(Double(value))
    }

    /// Adds `delta`, which may be negative.
    public func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let updated = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: updated, ordering: .relaxed)
            if exchanged {
                return
            }
            current = original
        }
    }

    /// Adds a whole number, which may be negative.
    public func add(_ delta: Int) {
        add(Double(delta))
    }

    /// Adds one.
    public func increment() {
        add(1.0)
    }

    /// Takes away one.
    public func decrement() {
        add(-1.0)
    }

    /// The current value.
    public var value: Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }
}
