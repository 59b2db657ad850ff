import Random

/// The decision checkpoint, the gate's defaults and the metrics they name.
extension ScenarioReader {
    mutating func readCheckpoint(_ value: YAMLValue, scenario: RunScenario, counts: [Int]) throws(ScenarioFileError) -> Checkpoint {
        let checkpoint = try entries(value, Self.checkpointKeys)
        var result = Checkpoint()
        // The chain first: the alert-latency levels need it.
        if let chain = checkpoint["alert-chain"] {
            for item in try items(chain, single: true) {
                let name = try item.string("a worker name")
                guard scenario.workerNames.contains(name) else {
                    let hint = didYouMean(name, among: scenario.workerNames).map { "; did you mean \($0)?" } ?? ""
                    throw item.error("unknown worker \"\(printable(name))\" (known: \(scenario.workerNames.joined(separator: ", ")))\(hint)")
                }
                guard !result.alertChain.contains(name) else { throw item.error("\(name) is listed twice") }
                result.alertChain.append(name)
            }
            guard !result.alertChain.isEmpty else { throw chain.error("expected the worker kinds an alert waits for, e.g. [person-detector, pose]") }
        }
        for item in try checkpoint["service-levels"].map({ value throws(ScenarioFileError) in try items(value) }) ?? [] {
            let level = try entries(item, Self.serviceLevelKeys)
            guard let metricValue = level["metric"] else { throw item.error("metric is missing: \(Metric.grammar)") }
            let metric = try readMetric(metricValue, scenario: scenario)
            if metric.quantity == .alertLatency && result.alertChain.isEmpty {
                throw metricValue.error("alert-latency needs checkpoint.alert-chain: the worker kinds an alert waits for, in order, e.g. [person-detector, pose]")
            }
            let max = try level["max"]?.double(in: 0...1e12), min = try level["min"]?.double(in: 0...1e12)
            guard max != nil || min != nil else { throw item.error("max or min is missing: the bound the metric's median must meet") }
            var across: Checkpoint.AcrossRooms?
            if let value = level["across-rooms"] {
                guard metric.isPerRoom else {
                    throw value.error("across-rooms applies to a figure each room has (a worker kind's latency, drops, served fps or look gap, or alert-latency); \(metric) is the box's")
                }
                across = try readAcrossRooms(value)
            }
            result.serviceLevels.append(Checkpoint.ServiceLevel(metric: metric, max: max, min: min, acrossRooms: across))
        }
        for item in try checkpoint["criteria"].map({ value throws(ScenarioFileError) in try items(value) }) ?? [] {
            let criterion = try entries(item, Self.criterionKeys)
            func required(_ key: String, _ what: String) throws(ScenarioFileError) -> YAMLValue {
                guard let value = criterion[key] else { throw item.error("\(key) is missing: \(what)") }
                return value
            }
            let name = try required("item", "the checkpoint item, in words").string("the checkpoint item")
            let metricValue = try required("metric", Metric.grammar)
            let metric = try readMetric(metricValue, scenario: scenario)
            if metric.quantity == .alertLatency && result.alertChain.isEmpty {
                throw metricValue.error("alert-latency needs checkpoint.alert-chain: the worker kinds an alert waits for, in order, e.g. [person-detector, pose]")
            }
            let streamsValue = try required("streams", "the stream counts it is judged at, e.g. [4, 10]")
            var streams: [Int] = []
            for count in try items(streamsValue, single: true) {
                let number = try count.int(in: RunScenario.streamRange)
                guard counts.contains(number) else {
                    throw count.error("\(number) is not a stream count of the scenario (\(counts.map(String.init).joined(separator: ", ")))")
                }
                streams.append(number)
            }
            let choices = TopologyKind.allCases.map { ($0.rawValue, $0) }
            let option = try required("option", "A, B or C").choice(choices)
            let versus = try required("versus", "A, B or C").choice(choices)
            let rule: Checkpoint.Criterion.Rule
            switch (criterion["within"], criterion["exceeds"]) {
            case (let within?, nil): rule = .within(try readShare(within))
            case (nil, let exceeds?): rule = .exceeds(try readShare(exceeds))
            default: throw item.error("expected one of within: or exceeds: (a margin such as 25%)")
            }
            result.criteria.append(Checkpoint.Criterion(item: name, metric: metric, streams: streams, option: option, versus: versus, rule: rule))
        }
        for item in try checkpoint["sensitivity"].map({ value throws(ScenarioFileError) in try items(value) }) ?? [] {
            let sensitivity = try readSensitivity(item, scenario: scenario)
            guard !result.sensitivity.contains(where: { $0.assumption == sensitivity.assumption }) else {
                throw item.error("\(sensitivity.assumption) is listed twice")
            }
            result.sensitivity.append(sensitivity)
        }
        return result
    }

    /// `{assumption: "service:vlm", range: [500ms, 5s], steps: 5}`: a service time's range
    /// in durations, the others in their unit (GB, cores, fps).
    mutating func readSensitivity(_ item: YAMLValue, scenario: RunScenario) throws(ScenarioFileError) -> Sensitivity {
        let entry = try entries(item, Self.sensitivityKeys)
        guard let assumptionValue = entry["assumption"] else { throw item.error("assumption is missing: \(Sensitivity.Assumption.grammar)") }
        let text = try assumptionValue.string(Sensitivity.Assumption.grammar)
        guard let assumption = Sensitivity.Assumption.parse(text) else {
            throw assumptionValue.error("'\(printable(text))' is not an assumption; expected \(Sensitivity.Assumption.grammar)")
        }
        if let problem = assumption.problem(in: scenario) { throw assumptionValue.error(problem) }
        guard let rangeValue = entry["range"] else { throw item.error("range is missing: [LOW, HIGH], the values \(assumption) may take") }
        let ends = try items(rangeValue, single: true)
        guard ends.count == 2 else { throw rangeValue.error("expected [LOW, HIGH], two values, got \(ends.count)") }
        var bounds: [Double] = []
        for end in ends {
            switch assumption {
            case .service:
                let duration = try end.duration()
                guard duration.nanoseconds > 0 else { throw end.error("a service time must be above 0") }
                bounds.append(duration.seconds)
            case .modelMemory: bounds.append(try end.double(in: 0...1e6))
            case .hostCores: bounds.append(Double(try end.int(in: 1...4096)))
            case .captureFPS: bounds.append(try end.double(in: 0...1000, openBelow: true))
            }
        }
        guard bounds[0] < bounds[1] else { throw rangeValue.error("expected LOW below HIGH, got [\(assumption.text(bounds[0])), \(assumption.text(bounds[1]))]") }
        let steps = try entry["steps"]?.int(in: Sensitivity.stepRange) ?? 5
        return Sensitivity(assumption: assumption, low: bounds[0], high: bounds[1], steps: steps)
    }

    /// `worst`, or `pNN` with NN in (0, 100): the share of rooms that must meet the level.
    func readAcrossRooms(_ value: YAMLValue) throws(ScenarioFileError) -> Checkpoint.AcrossRooms {
        let text = try value.string("worst or a share of rooms such as p90")
        if text == "worst" { return .worst }
        if text.hasPrefix("p"), let share = Double(text.dropFirst()), share.isFinite, share > 0, share < 100 {
            return .percentile(share)
        }
        throw value.error("expected worst (every room meets the level) or pNN, the share of rooms that must (e.g. p90, above 0 and below 100), got '\(printable(text))'")
    }

    /// `gate: {alpha: 0.05, thresholds: {latency-p99: 10%, "drop-fraction:vlm": 0.1}}`.
    mutating func readGate(_ value: YAMLValue, scenario: RunScenario) throws(ScenarioFileError) -> GateDefaults {
        let gate = try entries(value, Self.gateKeys)
        var result = GateDefaults()
        result.alpha = try gate["alpha"]?.double(in: 0...0.5, openBelow: true)
        if let thresholds = gate["thresholds"] {
            guard case .mapping(let mapping) = thresholds.node else { throw thresholds.error("expected a mapping of metric to threshold, got \(thresholds.shape)") }
            for (keyNode, valueNode) in mapping {
                let key = YAMLValue(node: keyNode, path: thresholds.path, file: file)
                let text = try key.string("a quantity or metric")
                let quantities = Metric.Quantity.allCases.map(\.rawValue)
                if !quantities.contains(text) { _ = try readMetric(key, scenario: scenario) }
                let entry = YAMLValue(node: valueNode, path: "\(thresholds.path).\(text)", file: file)
                lines[entry.path] = entry.line
                result.thresholds[text] = try readShare(entry)
            }
        }
        return result
    }

    /// A metric whose worker kind or device the scenario has.
    func readMetric(_ value: YAMLValue, scenario: RunScenario) throws(ScenarioFileError) -> Metric {
        let text = try value.string(Metric.grammar)
        guard let metric = Metric.parse(text) else { throw value.error("'\(printable(text))' is not a metric; expected \(Metric.grammar)") }
        if let subject = metric.subject {
            let known = metric.quantity == .modelMemory ? scenario.devices.map(\.name) : scenario.workerNames
            guard known.contains(subject) else {
                let hint = didYouMean(subject, among: known).map { "; did you mean \($0)?" } ?? ""
                throw value.error("unknown \(metric.quantity == .modelMemory ? "device" : "worker") \"\(printable(subject))\" (known: \(known.joined(separator: ", ")))\(hint)")
            }
        }
        if let state = metric.state {
            // Capture (and its load) is read before the checkpoint.
            var known: [String] = []
            for capture in scenario.streamCaptures { for name in capture.load?.states.map(\.name) ?? [] where !known.contains(name) { known.append(name) } }
            guard known.contains(state) else {
                let hint = didYouMean(state, among: known).map { "; did you mean \($0)?" } ?? ""
                throw value.error("unknown load state \"\(printable(state))\" (known: \(known.isEmpty ? "none; give capture.load" : known.joined(separator: ", ")))\(hint)")
            }
        }
        return metric
    }

    /// `25%` or `0.25`.
    func readShare(_ value: YAMLValue) throws(ScenarioFileError) -> Double {
        let text = try value.string("a margin such as 25%").trimmingCharacters(in: " ")
        let number = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let number, number.isFinite, number >= 0, number <= 100 else {
            throw value.error("expected a margin such as 25% or 0.25, got '\(printable(text))'")
        }
        return number
    }
}
