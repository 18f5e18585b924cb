/// A counter metric with labels; `labels(...)` gives the child for one set of values.
public final class CounterFamily: Sendable {
    /// The metric name, ending in `_total`.
    public let name: String

    /// The `# HELP` text.
    public let help: String

    private let children: LabeledChildren<Counter>

    init(name: String, help: String, labelNames: [String]) {
        precondition(name.hasSuffix("_total"), "counter \(name) must end in _total")
        self.name = name
        self.help = help
        children = LabeledChildren(family: name, labelNames: labelNames) { Counter() }
    }

    /// The label names, in order.
    public var labelNames: [String] {
        children.labelNames
    }

    /// The counter for these label values, one per label name, created on first use.
    public func labels(_ values: String...) -> Counter {
        children.child(values)
    }
}

extension CounterFamily: RenderableFamily {
    func render(into output: inout String) {
        PrometheusText.appendHeader(name: name, help: help, type: "counter", to: &output)
        for (values, counter) in children.sorted() {
            let labels = PrometheusText.labelSet(names: labelNames, values: values)
            PrometheusText.appendSample(
                name: name, labels: labels, value: String(counter.value), to: &output)
        }
    }
}
