// A release build may replace this file to record the commit it was built from, for
// example with the output of `git describe --tags --always --dirty`.

extension ServiceVersion {
    /// `git describe` output for the build, or `nil` when none was recorded.
    public static let gitDescribe: String? = nil
}
