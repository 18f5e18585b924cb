/// A number shown with a fixed count of decimals, such as `2.31`.
///
/// Log lines show a `Double` this way with two decimals; wrap a value in `FixedDecimal`
/// to choose another count. The text never uses an exponent for values below about
/// 10^15, so operators can compare values at a glance.
public struct FixedDecimal: Sendable, Equatable, CustomStringConvertible {
    /// The number to show.
    public let value: Double

    /// How many digits follow the decimal point, from 0 to 9.
    public let decimals: Int

    /// Wraps `value` to be shown with `decimals` digits after the point.
    public init(_ value: Double, decimals: Int = 2) {
        precondition((0...9).contains(decimals), "FixedDecimal shows 0 to 9 decimals")
        self.value = value
        self.decimals = decimals
    }

    /// The length of `duration` in milliseconds, with two decimals.
    public static func milliseconds(_ duration: Duration) -> FixedDecimal {
        let (seconds, attoseconds) = duration.components
        return FixedDecimal(Double(seconds) * 1_000 + Double(attoseconds) / 1e15)
    }

    /// The number rounded half away from zero; `nan`, `inf` or `-inf` when not finite.
    public var description: String {
        guard value.isFinite else {
            return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")
        }

        var scale: UInt64 = 1
        for _ in 0..<decimals {
            scale *= 10
        }
        let scaled = (value.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)

        // Past 2^53 a Double no longer holds every integer; its own text is as exact.
        guard scaled < 9_007_199_254_740_992 else {
            return String(value)
        }

        let units = UInt64(scaled)
        let sign = value < 0 && units != 0 ? "-" : ""
        let whole = String(units / scale)
        guard decimals > 0 else {
            return sign + whole
        }

        let fraction = String(units % scale)
        let padding = String(repeating: "0", count: decimals - fraction.count)
        return sign + whole + "." + padding + fraction
    }
}
