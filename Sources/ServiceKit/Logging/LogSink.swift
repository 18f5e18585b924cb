/// Where a `Logger` sends finished lines.
///
/// The logger calls `write` from any thread, once per event, with a complete line that
/// ends in a newline and is at most 4096 bytes long. A sink must be safe to call
/// concurrently and must not split a line.
public protocol LogSink: Sendable {
    /// Writes one complete line, newline included.
    func write(_ line: [UInt8])
}
