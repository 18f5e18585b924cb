import Dispatch
import ServiceKit
import Testing

@Suite struct MetricsRegistryTests {
    @Test func aSmallRegistryRendersExactly() {
        let registry = MetricsRegistry()
        let callbacks = registry.counterFamily(
            "mpesa_callbacks_total", help: "Callbacks received, by outcome.",
            labelNames: ["outcome"])
        let connections = registry.gauge("mpesa_connections", help: "Open connections.")
        let latency = registry.histogram(
            "mpesa_callback_duration_seconds", help: "Time to record a callback.",
            buckets: [0.25, 0.5, 1])
        registry.computedGauge("mpesa_spool_files", help: "Files waiting in the spool.") { 4 }

        callbacks.labels("success").increment(by: 3)
        callbacks.labels("duplicate").increment()
        connections.set(2)
        connections.add(0.5)
        for seconds in [0.125, 0.375, 0.375, 3] {
            latency.observe(seconds)
        }

        #expect(
            registry.render() == """
                # HELP mpesa_callback_duration_seconds Time to record a callback.
                # TYPE mpesa_callback_duration_seconds histogram
                mpesa_callback_duration_seconds_bucket{le="0.25"} 1
                mpesa_callback_duration_seconds_bucket{le="0.5"} 3
                mpesa_callback_duration_seconds_bucket{le="1"} 3
                mpesa_callback_duration_seconds_bucket{le="+Inf"} 4
                mpesa_callback_duration_seconds_sum 3.875
                mpesa_callback_duration_seconds_count 4
                # HELP mpesa_callbacks_total Callbacks received, by outcome.
                # TYPE mpesa_callbacks_total counter
                mpesa_callbacks_total{outcome="duplicate"} 1
                mpesa_callbacks_total{outcome="success"} 3
                # HELP mpesa_connections Open connections.
                # TYPE mpesa_connections gauge
                mpesa_connections 2.5
                # HELP mpesa_spool_files Files waiting in the spool.
                # TYPE mpesa_spool_files gauge
                mpesa_spool_files 4

                """)
    }

    @Test func labelValuesAndHelpAreEscaped() {
        let registry = MetricsRegistry()
        let requests = registry.counterFamily(
            "http_requests_total", help: "Requests,\nby path \\ method.",
            labelNames: ["path", "method"])

        requests.labels("/a\\b\"c\nd", "POST").increment()

        #expect(
            registry.render() == """
                # HELP http_requests_total Requests,\\nby path \\\\ method.
                # TYPE http_requests_total counter
                http_requests_total{path="/a\\\\b\\"c\\nd",method="POST"} 1

                """)
    }

    @Test func aLabelledHistogramPutsLeLastAndCountsEachChildApart() {
        let registry = MetricsRegistry()
        let queries = registry.histogramFamily(
            "db_query_seconds", help: "Query time.", labelNames: ["statement"], buckets: [0.5])

        queries.labels("insert").observe(.milliseconds(250))
        queries.labels("select").observe(.seconds(2))

        #expect(
            registry.render() == """
                # HELP db_query_seconds Query time.
                # TYPE db_query_seconds histogram
                db_query_seconds_bucket{statement="insert",le="0.5"} 1
                db_query_seconds_bucket{statement="insert",le="+Inf"} 1
                db_query_seconds_sum{statement="insert"} 0.25
                db_query_seconds_count{statement="insert"} 1
                db_query_seconds_bucket{statement="select",le="0.5"} 0
                db_query_seconds_bucket{statement="select",le="+Inf"} 1
                db_query_seconds_sum{statement="select"} 2
                db_query_seconds_count{statement="select"} 1

                """)
    }

    @Test func theSecondsBucketsAreWrittenPlainly() {
        let registry = MetricsRegistry()
        _ = registry.histogram("t_seconds", help: "t", buckets: Histogram.secondsBuckets)

        let bounds = registry.render().split(separator: "\n").compactMap { line in
            line.split(separator: "\"").dropFirst().first
        }

        #expect(
            bounds == [
                "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                "0.5", "1", "2.5", "5", "10", "+Inf",
            ])
    }

    @Test func specialAndSmallValuesUseThePrometheusSpelling() {
        let registry = MetricsRegistry()
        let values = registry.gaugeFamily("g", help: "h", labelNames: ["k"])

        values.labels("a").set(.nan)
        values.labels("b").set(.infinity)
        values.labels("c").set(-.infinity)
        values.labels("d").set(0.00001)
        values.labels("e").set(-7)
        values.labels("f").set(1e20)

        let samples = registry.render().split(separator: "\n").dropFirst(2)
        #expect(
            Array(samples) == [
                "g{k=\"a\"} NaN", "g{k=\"b\"} +Inf", "g{k=\"c\"} -Inf", "g{k=\"d\"} 1e-05",
                "g{k=\"e\"} -7", "g{k=\"f\"} 1e+20",
            ])
    }

    @Test func aFamilyWithNoChildrenYetRendersOnlyItsHeader() {
        let registry = MetricsRegistry()
        _ = registry.counterFamily("errors_total", help: "Errors.", labelNames: ["sqlstate"])

        #expect(registry.render() == "# HELP errors_total Errors.\n# TYPE errors_total counter\n")
    }

    @Test func theSameLabelValuesGiveTheSameChild() {
        let registry = MetricsRegistry()
        let family = registry.gaugeFamily("depth", help: "d", labelNames: ["queue", "state"])

        #expect(family.labels("spool", "ready") === family.labels("spool", "ready"))
        #expect(family.labels("spool", "ready") !== family.labels("spool", "failed"))
        #expect(family.labelNames == ["queue", "state"])
    }

    @Test func aGaugeCountsUpAndDown() {
        let gauge = MetricsRegistry().gauge("open", help: "o")

        gauge.increment()
        gauge.increment()
        gauge.decrement()
        gauge.add(5)

        #expect(gauge.value == 6)
    }

    @Test func aNaNObservationIsIgnored() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram("h_seconds", help: "h", buckets: [1])

        histogram.observe(.nan)
        histogram.observe(0.5)

        #expect(registry.render().contains("h_seconds_sum 0.5\nh_seconds_count 1\n"))
    }

    @Test func concurrentUpdatesGiveExactTotals() {
        let registry = MetricsRegistry()
        let counter = registry.counter("hits_total", help: "h")
        let gauge = registry.gauge("level", help: "l")
        let histogram = registry.histogram("wait_seconds", help: "w", buckets: [0.5])
        let family = registry.counterFamily("by_thread_total", help: "b", labelNames: ["shard"])

        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            let shard = family.labels(String(thread % 2))
            for _ in 0..<100_000 {
                counter.increment()
                shard.increment()
            }
            for index in 0..<10_000 {
                gauge.add(1)
                histogram.observe(index.isMultiple(of: 2) ? 0.25 : 1)
            }
        }

        #expect(counter.value == 800_000)
        #expect(family.labels("0").value + family.labels("1").value == 800_000)
        #expect(gauge.value == 80_000)
        let rendered = registry.render()
        #expect(rendered.contains("wait_seconds_bucket{le=\"0.5\"} 40000\n"))
        #expect(rendered.contains("wait_seconds_bucket{le=\"+Inf\"} 80000\n"))
        #expect(rendered.contains("wait_seconds_sum 50000\nwait_seconds_count 80000\n"))
    }
}
