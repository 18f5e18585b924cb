/// A process exit status, with the `sysexits.h` values the programs use.
public struct ExitCode: RawRepresentable, Hashable, Sendable {
    /// The status passed to `exit`.
    public let rawValue: Int32

    /// Wraps a status.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// Everything went well.
    public static let success = ExitCode(rawValue: 0)

    /// Something failed at run time.
    public static let failure = ExitCode(rawValue: 1)

    /// The command line was wrong (`EX_USAGE`).
    public static let usage = ExitCode(rawValue: 64)

    /// The configuration was wrong (`EX_CONFIG`); systemd units can refuse to restart on it
    /// with `RestartPreventExitStatus=78`.
    public static let configuration = ExitCode(rawValue: 78)
}
