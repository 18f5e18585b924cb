/// Hands out short request ids that are unique within a process and
/// unlikely to repeat across restarts: a random prefix and a counter.
///
/// Thread rules: one loop thread per generator.
struct RequestIDs {
    private let prefix: String
    private var counter: UInt64 = 0

    init() {
        prefix = String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 36)
    }

    /// The next id, such as `1x3kq9f-2s`.
    mutating func next() -> String {
        counter += 1
        return prefix + "-" + String(counter, radix: 36)
    }
}
