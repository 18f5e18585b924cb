import Glibc

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`).
///
/// Every client connection takes a descriptor. The soft limit is often 1,024 while the
/// hard limit is far higher: a server raises the soft one to the hard one at start.
public enum OpenFileLimit {
    /// The soft and hard limits.
    public struct Limits: Sendable, Equatable {
        public var soft: Int
        public var hard: Int
    }

    /// The kernel refuses a soft limit above `fs.nr_open`, 1,048,576 by default, even when
    /// the hard limit is unlimited.
    static let ceiling = 1_048_576

    /// `RLIM_INFINITY`, which imports as a literal too large for `rlim_t`.
    private static let unlimited = rlim_t.max

    /// The limits in force.
    ///
    /// - Throws: `SystemCallError` from `getrlimit`.
    public static func current() throws(SystemCallError) -> Limits {
        let limits = try read()
        return Limits(soft: clamp(limits.rlim_cur), hard: clamp(limits.rlim_max))
    }

    /// Raises the soft limit to the hard limit; does nothing when they are equal.
    ///
    /// - Returns: the limits in force afterwards.
    /// - Throws: `SystemCallError` from `getrlimit` or `setrlimit`, for example `EPERM`
    ///   under a system-call filter that forbids `setrlimit`.
    @discardableResult
    public static func raiseToHardLimit() throws(SystemCallError) -> Limits {
        var limits = try read()
        let target = rlim_t(clamp(limits.rlim_max))
        if limits.rlim_cur < target {
            // The hard limit stays as it is, unlimited included; only the soft one moves.
            limits.rlim_cur = target
            _ = try retryingSystemCall("setrlimit") {
                setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
            }
        }
        return Limits(soft: clamp(limits.rlim_cur), hard: clamp(limits.rlim_max))
    }

    private static func read() throws(SystemCallError) -> rlimit {
        var limits = rlimit()
        _ = try retryingSystemCall("getrlimit") {
            getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits)
        }
        return limits
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value == unlimited ? ceiling : Int(min(value, rlim_t(ceiling)))
    }
}
