/// One log line being built: `<N>msg="..." key=value ...` and a newline.
///
/// A line never grows past `maximumBytes`, so one `write(2)` of it is atomic on a pipe.
/// Fields that do not fit are left out and counted in a final `dropped_fields=N`.
struct LogLine {
    /// The longest line, newline included: `PIPE_BUF` on Linux.
    static let maximumBytes = 4096

    /// Room kept for ` dropped_fields=N` and the newline.
    private static let reservedBytes = 32

    private var bytes: [UInt8] = []
    private var droppedFields = 0

    /// Starts a line with the level's prefix and the message.
    init(level: LogLevel, message: StaticString) {
        bytes.reserveCapacity(256)
        bytes += level.syslogPrefix.utf8
        bytes += "msg=".utf8
        LogValueEncoder.appendEscaped(message.description, to: &bytes)
    }

    /// The text ` key=value` for one field, escaped.
    static func renderField(_ field: LogField, _ value: any CustomStringConvertible) -> [UInt8] {
        var chunk: [UInt8] = [UInt8(ascii: " ")]
        chunk += field.name.utf8
        chunk.append(UInt8(ascii: "="))
        LogValueEncoder.appendEscaped(LogValueEncoder.text(of: value), to: &chunk)
        return chunk
    }

    /// Appends a rendered field, or counts it as dropped when the line is full.
    ///
    /// Once one field is dropped, every later one is too, so the fields that do appear
    /// are always the first ones in their given order.
    mutating func append(rendered chunk: [UInt8]) {
        let fits = bytes.count + chunk.count + LogLine.reservedBytes <= LogLine.maximumBytes
        guard droppedFields == 0, fits else {
            droppedFields += 1
            return
        }
        bytes += chunk
    }

    /// Appends a field, or counts it as dropped when the line is full.
    mutating func append(_ field: LogField, _ value: any CustomStringConvertible) {
        guard droppedFields == 0 else {
            droppedFields += 1
            return
        }
        append(rendered: LogLine.renderField(field, value))
    }

    /// The finished line, ending in a newline.
    consuming func finish() -> [UInt8] {
        if droppedFields > 0 {
            bytes += " dropped_fields=\(droppedFields)".utf8
        }
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
