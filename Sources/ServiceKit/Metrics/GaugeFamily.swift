/// A gauge metric with labels; `labels(...)` gives the child for one set of values.
public final class GaugeFamily: Sendable {
    /// The metric name.
    public let name: String

    /// The `# HELP` text.
    public let help: String

    private let children: LabeledChildren<Gauge>

    init(name: String, help: String, labelNames: [String]) {
        precondition(!name.hasSuffix("_total"), "only counter names end in _total, not \(name)")
        self.name = name
        self.help = help
        children = LabeledChildren(family: name, labelNames: labelNames) { Gauge() }
    }

    /// The label names, in order.
    public var labelNames: [String] {
        children.labelNames
    }

    /// The gauge for these label values, one per label name, created on first use.
    public func labels(_ values: String...) -> Gauge {
        children.child(values)
    }
}

extension GaugeFamily: RenderableFamily {
    func render(into output: inout String) {
        PrometheusText.appendHeader(name: name, help: help, type: "gauge", to: &output)
        for (values, gauge) in children.sorted() {
            let labels = PrometheusText.labelSet(names: labelNames, values: values)
            let value = PrometheusText.number(gauge.value)
            PrometheusText.appendSample(name: name, labels: labels, value: value, to: &output)
        }
    }
}

/// A gauge without labels whose value a closure computes at each scrape.
final class ComputedGauge: RenderableFamily {
    let name: String
    let help: String
    private let compute: @Sendable () -> Double

    init(name: String, help: String, compute: @escaping @Sendable () -> Double) {
        precondition(!name.hasSuffix("_total"), "only counter names end in _total, not \(name)")
        self.name = name
        self.help = help
        self.compute = compute
    }

    func render(into output: inout String) {
        PrometheusText.appendHeader(name: name, help: help, type: "gauge", to: &output)
        let value = PrometheusText.number(compute())
        PrometheusText.appendSample(name: name, labels: "", value: value, to: &output)
    }
}
