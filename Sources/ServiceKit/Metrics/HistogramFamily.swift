/// A histogram metric with labels; `labels(...)` gives the child for one set of values.
public final class HistogramFamily: Sendable {
    /// The metric name; samples add `_bucket`, `_sum` and `_count`.
    public let name: String

    /// The `# HELP` text.
    public let help: String

    /// The upper bound of each bucket, shared by every child.
    public let upperBounds: [Double]

    private let children: LabeledChildren<Histogram>

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        precondition(!name.hasSuffix("_total"), "only counter names end in _total, not \(name)")
        precondition(!labelNames.contains("le"), "histogram \(name) cannot use the label le")
        precondition(!buckets.isEmpty, "histogram \(name) needs at least one bucket")
        precondition(
            buckets.allSatisfy(\.isFinite) && zip(buckets, buckets.dropFirst()).allSatisfy(<),
            "the buckets of \(name) must be finite and rising; +Inf is added")
        self.name = name
        self.help = help
        upperBounds = buckets
        children = LabeledChildren(family: name, labelNames: labelNames) {
            Histogram(upperBounds: buckets)
        }
    }

    /// The label names, in order.
    public var labelNames: [String] {
        children.labelNames
    }

    /// The histogram for these label values, one per label name, created on first use.
    public func labels(_ values: String...) -> Histogram {
        children.child(values)
    }
}

extension HistogramFamily: RenderableFamily {
    func render(into output: inout String) {
        PrometheusText.appendHeader(name: name, help: help, type: "histogram", to: &output)
        let bounds = upperBounds.map(PrometheusText.number) + ["+Inf"]
        for (values, histogram) in children.sorted() {
            let snapshot = histogram.snapshot()
            for (bound, count) in zip(bounds, snapshot.cumulativeCounts) {
                let labels = PrometheusText.labelSet(
                    names: labelNames, values: values, extra: (name: "le", value: bound))
                PrometheusText.appendSample(
                    name: name + "_bucket", labels: labels, value: String(count), to: &output)
            }

            let labels = PrometheusText.labelSet(names: labelNames, values: values)
            let sum = PrometheusText.number(snapshot.sum)
            PrometheusText.appendSample(
                name: name + "_sum", labels: labels, value: sum, to: &output)
            PrometheusText.appendSample(
                name: name + "_count", labels: labels, value: String(snapshot.count), to: &output)
        }
    }
}
