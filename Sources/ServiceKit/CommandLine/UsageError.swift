/// A command line that could not be understood; programs exit with `ExitCode.usage`.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, one phrase per mistake, such as `unknown option --bogus`.
    public let problems: [String]

    /// Creates an error listing `problems`.
    public init(problems: [String]) {
        self.problems = problems
    }

    /// The problems, separated by semicolons.
    public var description: String {
        problems.joined(separator: "; ")
    }
}
