/// How serious a log event is, from `debug` to `critical`.
///
/// The policy the daemon follows:
///
/// | level | use it for |
/// | --- | --- |
/// | `debug` | detail for a developer chasing a bug; off in production |
/// | `info` | normal work worth a line, such as a recorded callback |
/// | `notice` | normal but significant: start-up, reload, shutdown |
/// | `warning` | something was refused or retried, the service carries on |
/// | `error` | an operation failed and needs attention |
/// | `critical` | the service cannot do its job |
///
/// Each level maps to the syslog priority that journald reads from a `<N>` prefix on
/// every line written to standard error.
public enum LogLevel: String, CaseIterable, Comparable, Sendable {
    case debug
    case info
    case notice
    case warning
    case error
    case critical

    /// Reads a level from configuration text such as `"warning"`, ignoring case.
    ///
    /// - Returns: `nil` when the text names no level.
    public init?(parsing text: String) {
        self.init(rawValue: text.lowercased())
    }

    /// The syslog priority: 7 for `debug` down to 2 for `critical`.
    public var syslogPriority: Int {
        switch self {
        case .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// The prefix journald understands, such as `<6>` for `info`.
    public var syslogPrefix: String {
        "<\(syslogPriority)>"
    }

    /// The rank used for filtering: 0 for `debug`, rising with severity.
    var severity: UInt8 {
        UInt8(7 - syslogPriority)
    }

    /// The level with the given `severity`; out-of-range values clamp to the ends.
    init(severity: UInt8) {
        let index = min(Int(severity), LogLevel.allCases.count - 1)
        self = LogLevel.allCases[index]
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool {
        lhs.severity < rhs.severity
    }
}
