import Synchronization

/// Writes one line per event for operators: a syslog level prefix, a constant message
/// and `key=value` fields.
///
/// ```swift
/// logger.info("callback recorded", [
///     .checkoutRequestID: checkoutRequestID,
///     .outcome: "success",
///     .durationMS: FixedDecimal.milliseconds(elapsed),
/// ])
/// ```
///
/// The message is a `StaticString`, so data cannot be interpolated into it; data goes in
/// fields, whose values are escaped. The fields are an autoclosure: when the level is
/// filtered out nothing is evaluated or formatted.
///
/// A value may be anything `CustomStringConvertible`. Integers, Booleans and strings
/// appear as they are, a `Double` with two decimals (wrap it in `FixedDecimal` for
/// another count), and a `Secret` as `<redacted>`.
///
/// A `Logger` is a cheap value that any thread may use. Copies and loggers made with
/// `withFields` share one level filter, so `setLevel` on any of them (on a reload, say)
/// changes them all.
public struct Logger: Sendable {
    /// What every copy shares: the level filter and the sink.
    private final class Core: Sendable {
        let minimumSeverity: Atomic<UInt8>
        let sink: any LogSink

        init(level: LogLevel, sink: any LogSink) {
            minimumSeverity = Atomic(level.severity)
            self.sink = sink
        }
    }

    private let core: Core

    /// Fields added by `withFields`, already rendered, written after the message.
    private let context: [[UInt8]]

    /// Creates a logger that writes events at `level` and above to `sink`.
    public init(level: LogLevel = .info, sink: any LogSink = FileDescriptorLogSink.standardError) {
        core = Core(level: level, sink: sink)
        context = []
    }

    /// The lowest level that is written.
    public var level: LogLevel {
        LogLevel(severity: core.minimumSeverity.load(ordering: .relaxed))
    }

    /// Changes the lowest level written, for this logger and every one sharing its core.
    public func setLevel(_ level: LogLevel) {
        core.minimumSeverity.store(level.severity, ordering: .relaxed)
    }

    /// Whether an event at `level` would be written.
    public func isEnabled(_ level: LogLevel) -> Bool {
        level.severity >= core.minimumSeverity.load(ordering: .relaxed)
    }

    /// A logger that adds `fields` to every line, after the message and before the
    /// fields of each call: a request's id, for example.
    public func withFields(
        _ fields: KeyValuePairs<LogField, any CustomStringConvertible>
    ) -> Logger {
        let rendered = fields.map { LogLine.renderField($0.key, $0.value) }
        return Logger(core: core, context: context + rendered)
    }

    private init(core: Core, context: [[UInt8]]) {
        self.core = core
        self.context = context
    }

    /// Writes an event at `level`, unless the level is filtered out.
    ///
    /// - Parameters:
    ///   - level: how serious the event is.
    ///   - message: a constant description of the event.
    ///   - fields: the event's data, in the order they should appear.
    public func log(
        _ level: LogLevel,
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        guard isEnabled(level) else {
            return
        }

        var line = LogLine(level: level, message: message)
        for chunk in context {
            line.append(rendered: chunk)
        }
        for (field, value) in fields() {
            line.append(field, value)
        }
        core.sink.write(line.finish())
    }

    /// Writes a `debug` event: detail for a developer, off in production.
    public func debug(
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        log(.debug, message, fields())
    }

    /// Writes an `info` event: normal work, such as a recorded callback.
    public func info(
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        log(.info, message, fields())
    }

    /// Writes a `notice` event: normal but significant, such as start-up or a reload.
    public func notice(
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        log(.notice, message, fields())
    }

    /// Writes a `warning` event: something was refused or retried.
    public func warning(
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        log(.warning, message, fields())
    }

    /// Writes an `error` event: an operation failed.
    public func error(
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        log(.error, message, fields())
    }

    /// Writes a `critical` event: the service cannot do its job.
    public func critical(
        _ message: StaticString,
        _ fields: @autoclosure () -> KeyValuePairs<LogField, any CustomStringConvertible> = [:]
    ) {
        log(.critical, message, fields())
    }
}
