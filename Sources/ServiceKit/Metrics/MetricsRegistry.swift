import Locking

/// The process's metrics, rendered in the Prometheus text format for `GET /metrics`.
///
/// Declare each family once at start-up and keep the handles:
///
/// ```swift
/// let callbacks = registry.counterFamily(
///     "mpesa_callbacks_total", help: "Callbacks received, by outcome.", labelNames: ["outcome"])
/// let recorded = callbacks.labels("recorded")
/// recorded.increment()
/// ```
///
/// Names are snake_case; counter names end in `_total` and no other does. Declaring a
/// name twice, or a name that breaks these rules, stops the program: it is a mistake in
/// the code, not in the input. The registry is safe to use from any thread.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of `render()`'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Locked<[String: any RenderableFamily]>([:])

    /// Creates an empty registry.
    public init() {}

    /// Declares a counter without labels.
    public func counter(_ name: String, help: String) -> Counter {
        counterFamily(name, help: help, labelNames: []).labels()
    }

    /// Declares a counter family with the given label names.
    public func counterFamily(_ name: String, help: String, labelNames: [String]) -> CounterFamily {
        register(CounterFamily(name: name, help: help, labelNames: labelNames))
    }

    /// Declares a gauge without labels.
    public func gauge(_ name: String, help: String) -> Gauge {
        gaugeFamily(name, help: help, labelNames: []).labels()
    }

    /// Declares a gauge family with the given label names.
    public func gaugeFamily(_ name: String, help: String, labelNames: [String]) -> GaugeFamily {
        register(GaugeFamily(name: name, help: help, labelNames: labelNames))
    }

    /// Declares a gauge whose value `value` computes at each scrape, such as the depth of
    /// the spool. The closure runs on the scraping thread and must not call the registry.
    public func computedGauge(
        _ name: String,
        help: String,
        value: @escaping @Sendable () -> Double
    ) {
        _ = register(ComputedGauge(name: name, help: help, compute: value))
    }

    /// Declares a histogram without labels, with the given bucket upper bounds.
    public func histogram(_ name: String, help: String, buckets: [Double]) -> Histogram {
        histogramFamily(name, help: help, labelNames: [], buckets: buckets).labels()
    }

    /// Declares a histogram family with the given label names and bucket upper bounds.
    public func histogramFamily(
        _ name: String,
        help: String,
        labelNames: [String],
        buckets: [Double]
    ) -> HistogramFamily {
        register(HistogramFamily(name: name, help: help, labelNames: labelNames, buckets: buckets))
    }

    /// Every family in the Prometheus text format 0.0.4, sorted by name, children sorted
    /// by label values.
    public func render() -> String {
        // Render outside the lock: computed gauges run arbitrary code.
        let snapshot = families.withLock { families in
            families.values.sorted { $0.name < $1.name }
        }

        var output = ""
        for family in snapshot {
            family.render(into: &output)
        }
        return output
    }

    private func register<Family: RenderableFamily>(_ family: Family) -> Family {
        precondition(
            PrometheusText.isValidName(family.name),
            "metric name \(family.name) is not snake_case")
        families.withLock { families in
            precondition(families[family.name] == nil, "metric \(family.name) declared twice")
            families[family.name] = family
        }
        return family
    }
}

/// A metric family as the registry renders it.
protocol RenderableFamily: Sendable {
    /// The family's metric name.
    var name: String { get }

    /// Appends the family's `# HELP`, `# TYPE` and sample lines.
    func render(into output: inout String)
}
