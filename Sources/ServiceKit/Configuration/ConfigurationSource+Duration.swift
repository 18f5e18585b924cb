extension ConfigurationSource {
    /// A duration such as `500ms`, `30s`, `5m` or `1h` within `range`, or `defaultValue`
    /// when unset.
    ///
    /// The units are `us`, `ms`, `s`, `m` (or `min`) and `h`; a bare number is seconds, as
    /// in systemd. A fraction such as `1.5s` is allowed. An invalid or out-of-range value
    /// is a problem, and the default stands in for it.
    public func duration(
        _ name: String,
        default defaultValue: Duration,
        range: ClosedRange<Duration>
    ) -> Duration {
        precondition(range.contains(defaultValue), "the default of \(name) is outside its range")
        guard let value = text(name) else {
            return defaultValue
        }

        guard let duration = ConfigurationSource.parseDuration(value) else {
            let example = "a duration such as 500ms, 30s, 5m or 1h"
            recordProblem(name, "\(LogValueEncoder.quoted(value)) is not \(example)")
            return defaultValue
        }
        guard range.contains(duration) else {
            let bounds = "\(Self.format(range.lowerBound))...\(Self.format(range.upperBound))"
            recordProblem(name, "\(Self.format(duration)) is outside \(bounds)")
            return defaultValue
        }
        return duration
    }

    /// Reads `<number>[unit]`, or returns `nil`. Exact to the nanosecond.
    static func parseDuration(_ text: String) -> Duration? {
        let numberEnd = text.firstIndex { !($0.isASCIIDigit || $0 == ".") } ?? text.endIndex
        let parts = text[..<numberEnd].split(
            separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 12,
            let whole = Int64(parts[0])
        else {
            return nil
        }

        let unitNanoseconds: Int64
        switch text[numberEnd...] {
        case "us": unitNanoseconds = 1_000
        case "ms": unitNanoseconds = 1_000_000
        case "", "s": unitNanoseconds = 1_000_000_000
        case "m", "min": unitNanoseconds = 60_000_000_000
        case "h": unitNanoseconds = 3_600_000_000_000
        default: return nil
        }

        let (wholeNanoseconds, overflow) = whole.multipliedReportingOverflow(by: unitNanoseconds)
        guard !overflow else {
            return nil
        }
        guard parts.count == 2 else {
            return .nanoseconds(wholeNanoseconds)
        }

        // A fraction of the unit: at most nine digits, which is exact for every unit.
        let fractionDigits = parts[1]
        guard !fractionDigits.isEmpty, fractionDigits.count <= 9,
            let fraction = Int64(fractionDigits)
        else {
            return nil
        }
        var scale: Int64 = 1
        for _ in fractionDigits {
            scale *= 10
        }
        let product = fraction.multipliedFullWidth(by: unitNanoseconds)
        let fractionNanoseconds = scale.dividingFullWidth(product).quotient
        return .nanoseconds(wholeNanoseconds) + .nanoseconds(fractionNanoseconds)
    }

    /// A duration in the largest unit that shows it exactly, such as `5m` or `250ms`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        // Past about 285 years the nanoseconds would not fit an Int64.
        guard seconds.magnitude < 9_000_000_000 else {
            return "\(seconds)s"
        }
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let units: [(String, Int64)] = [
            ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
            ("ms", 1_000_000), ("us", 1_000),
        ]
        for (suffix, size) in units where nanoseconds != 0 && nanoseconds % size == 0 {
            return "\(nanoseconds / size)\(suffix)"
        }
        return "\(nanoseconds)ns"
    }
}
