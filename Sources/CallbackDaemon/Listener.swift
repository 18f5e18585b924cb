/// One of the daemon's two HTTP listeners, named as in log lines, metric
/// labels and the socket unit's `FileDescriptorName=`.
enum Listener: String, Sendable, CaseIterable {
    /// The callback listener, behind the TLS proxy.
    case `public`
    /// Health, readiness, metrics and the `/v1` API.
    case admin
}

extension Listener {
    /// One value for each listener, such as a metric's child.
    static func each<Value>(_ make: (Listener) -> Value) -> [Listener: Value] {
        Dictionary(uniqueKeysWithValues: allCases.map { ($0, make($0)) })
    }
}
