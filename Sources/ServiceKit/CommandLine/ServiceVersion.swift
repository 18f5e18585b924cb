/// The version every program reports for `--version` and in its start-up log line.
public enum ServiceVersion {
    /// The release number.
    public static let number = "0.1.0"

    /// The release number, followed by `gitDescribe` in parentheses when a build baked
    /// one in, such as `0.1.0 (v0.1.0-3-gabc1234)`.
    public static let current: String =
        if let gitDescribe {
            "\(number) (\(gitDescribe))"
        } else {
            number
        }
}
